import { Args, Flags } from '@oclif/core';
import type { Message } from '@abaco/client';
import { existsSync, openAsBlob } from 'node:fs';
import { pairs } from './actor-flags.js';

export const messageArgs = {
  actor: Args.string({ description: 'actor id or alias', required: true }),
  message: Args.string({ description: 'the message: a string (or, with --json, JSON text)' }),
};

export const messageFlags = {
  binary: Flags.file({ description: 'send the bytes of this file as a binary message', exists: true, exclusive: ['message'] }),
  env: Flags.string({ char: 'e', description: 'environment variable KEY=VALUE for this execution (repeatable)', multiple: true }),
};

/** The message to send: the bytes of `--binary FILE`, JSON text with --json, else the string. */
export async function messageOf(message: string | undefined, flags: { binary?: string; json?: boolean }): Promise<Message> {
  if (flags.binary) {
    if (!existsSync(flags.binary)) throw new Error(`No such file: ${flags.binary}`);
    return { bytes: await openAsBlob(flags.binary) };
  }
  if (flags.json) {
    try {
      return { json: JSON.parse(message ?? '') };
    } catch {
      throw new Error('With --json the message must be JSON text, e.g. \'{"words": 3}\'.');
    }
  }
  return { text: message ?? '' };
}

/** The `--env` pairs: environment variables of the execution. */
export const envOf = (env: string[] | undefined) => ({ env: pairs(env, '--env') });
