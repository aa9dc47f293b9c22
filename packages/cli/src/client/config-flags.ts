import { Args, Flags } from '@oclif/core';

export const configArgs = { name: Args.string({ description: 'config name', required: true }) };
export const configFlags = {
  value: Flags.string({ description: 'the value (JSON text is sent as JSON, anything else as a string)', required: true }),
  actors: Flags.string({ description: 'comma-separated actor ids and aliases to share it with', required: true }),
  secret: Flags.boolean({ description: 'keep the value encrypted (shown encrypted, given decrypted to executions)', default: false }),
};

/** The body of a config create or update. */
export function configBody(name: string, flags: { value: string; actors: string; secret: boolean }) {
  let value: unknown = flags.value;
  try {
    value = JSON.parse(flags.value);
  } catch {
    // a plain string
  }
  return { name, value, actors: flags.actors, isSecret: flags.secret };
}
