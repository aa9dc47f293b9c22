import type { ActorInput } from '@abaco/client';
import { Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';

/** Flags for every property of an actor registration (create and update). */
export const actorFlags = {
  file: Flags.file({ char: 'f', description: 'JSON file with the actor description (flags win over it)', exists: true }),
  image: Flags.string({ char: 'i', description: 'container image of the actor' }),
  name: Flags.string({ char: 'n', description: 'name of the actor' }),
  description: Flags.string({ char: 'd', description: 'description of the actor' }),
  env: Flags.string({ char: 'e', description: 'default environment variable KEY=VALUE (repeatable)', multiple: true }),
  hint: Flags.string({ description: 'hint, e.g. sync (repeatable)', multiple: true }),
  stateless: Flags.boolean({ description: 'stateless (may scale out) or, with --no-stateless, stateful', allowNo: true }),
  link: Flags.string({ description: 'actor id or alias to send this actor\'s events to' }),
  webhook: Flags.string({ description: 'URL to POST this actor\'s events to' }),
  'cron-schedule': Flags.string({ description: 'cron schedule: "yyyy-mm-dd hh + <n> <unit>", "now + <n> <unit>" or five cron fields' }),
  cron: Flags.boolean({ description: 'switch the cron schedule on (--no-cron: off)', allowNo: true }),
  'log-ex': Flags.integer({ description: 'seconds the logs of each execution are kept' }),
  'max-workers': Flags.integer({ description: 'most workers at a time (admins and privileged users)' }),
  'mem-limit': Flags.string({ description: 'memory limit, e.g. 512m (admins and privileged users)' }),
  'max-cpus': Flags.integer({ description: 'CPU limit in nano-CPUs, 1000000000 = one CPU (admins and privileged users)' }),
  privileged: Flags.boolean({ description: 'run privileged (admins and privileged users)', allowNo: true }),
  'use-container-uid': Flags.boolean({ description: 'run as the image\'s user (admins and privileged users)', allowNo: true }),
  'access-token': Flags.boolean({ description: 'give each execution an access token (_abaco_access_token)', allowNo: true }),
};

/** `KEY=VALUE` pairs as an object; a pair without '=' is refused. */
export function pairs(list: string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list ?? []) {
    const cut = pair.indexOf('=');
    if (cut < 1) throw new Error(`${what} must be KEY=VALUE, got "${pair}"`);
    out[pair.slice(0, cut)] = pair.slice(cut + 1);
  }
  return out;
}

/** The actor description the flags (and the --file, unchecked: the server validates it) give; only what was given. */
export function actorBody(flags: Record<string, unknown>): Partial<ActorInput> {
  const body: Record<string, unknown> = flags.file ? JSON.parse(readFileSync(flags.file as string, 'utf8')) : {};
  const set = (key: string, value: unknown) => value !== undefined && (body[key] = value);
  set('image', flags.image);
  set('name', flags.name);
  set('description', flags.description);
  if (flags.env) body.defaultEnvironment = { ...(body.defaultEnvironment as object), ...pairs(flags.env as string[], '--env') };
  set('hints', flags.hint);
  set('stateless', flags.stateless);
  set('link', flags.link);
  set('webhook', flags.webhook);
  set('cronSchedule', flags['cron-schedule']);
  set('cronOn', flags.cron);
  set('logEx', flags['log-ex']);
  set('maxWorkers', flags['max-workers']);
  set('memLimit', flags['mem-limit']);
  set('maxCpus', flags['max-cpus']);
  set('privileged', flags.privileged);
  set('useContainerUid', flags['use-container-uid']);
  set('token', flags['access-token']);
  return body as Partial<ActorInput>;
}
