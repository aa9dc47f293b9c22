import { Abaco, type AbacoOptions } from '../src/engine/abaco.js';
import { identity, type Role } from '../src/auth/identity.js';
import type { Test } from 'tap';

/** An engine on an in-memory store, closed when the test ends. */
export async function engine(t: Test, options: AbacoOptions = {}): Promise<Abaco> {
  const abaco = await Abaco.open(options);
  t.teardown(() => abaco.close());
  return abaco;
}

export const who = (user: string, roles: Role[] = ['user'], tenant = 'TACC') => identity(user, tenant, roles);
export const alice = who('alice');
export const bob = who('bob');
export const carol = who('carol');
export const admin = who('root', ['admin']);
export const priv = who('pat', ['privileged', 'user']);
