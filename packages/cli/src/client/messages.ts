import { Args, Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import type { Api, Body } from './api.js';
import { pairs } from './actor-flags.js';

export const messageArgs = {
  actor: Args.string({ description: 'actor id or alias', required: true }),
  message: Args.string({ description: 'the message: a string (or, with --json, JSON text)' }),
};

export const messageFlags = {
  binary: Flags.file({ description: 'send the bytes of this file as a binary message', exists: true, exclusive: ['message'] }),
  env: Flags.string({ char: 'e', description: 'environment variable KEY=VALUE for this execution (repeatable)', multiple: true }),
};

/** The body of a message POST: `--binary FILE`, JSON text with --json, else the string. */
export function messageBody(message: string | undefined, flags: { binary?: string; json?: boolean }): Body {
  if (flags.binary) {
    if (!existsSync(flags.binary)) throw new Error(`No such file: ${flags.binary}`);
    return { file: flags.binary };
  }
  if (flags.json) {
    try {
      return { json: JSON.parse(message ?? '') };
    } catch {
      throw new Error('With --json the message must be JSON text, e.g. \'{"words": 3}\'.');
    }
  }
  return { form: { message: message ?? '' } };
}

export const envQuery = (env: string[] | undefined) => pairs(env, '--env');

/** Polls an execution until it is COMPLETE or ERROR; `tick` is told its status each time. */
export async function waitForExecution(api: Api, actor: string, execution: string, tick: (status: string) => void = () => {}): Promise<any> {
  for (;;) {
    const { result } = await api.call('GET', `/${encodeURIComponent(actor)}/executions/${execution}`);
    tick(result.status);
    if (result.status === 'COMPLETE' || result.status === 'ERROR') return result;
    await new Promise((r) => setTimeout(r, 250));
  }
}
