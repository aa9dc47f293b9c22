import { identity } from '@abaco/core';
import t from 'tap';
import { buildServer } from '../src/server.js';
import type { TokenUser } from '../src/options.js';
import { api, engine } from './helpers.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];
const users: Record<string, TokenUser> = { 'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user'] } };

t.test('a name of the Object prototype is no token, with or without a users file, with JWTs on or off', async (t) => {
  const servers = {
    'no users file': await api(t),
    'a users file': await api(t, { tokens: users }),
    'a users file and JWTs': await api(t, { tokens: users, jwt: { hs256Secret: 'hs-secret' } }),
  };
  for (const [name, server] of Object.entries(servers)) {
    for (const token of PROTOTYPE_NAMES) {
      t.match(await server.call({ authorization: `Bearer ${token}` }), { status: 401, message: 'Invalid token.' }, `${name}: Bearer ${token}`);
    }
  }
  t.match(await servers['a users file'].call({ authorization: 'Bearer alice-token' }), { status: 200, result: [] }, 'a token of the users file works');
});

t.test('the admin token works; a token one character off, a prefix, or an empty one does not', async (t) => {
  const server = await api(t, { adminToken: 'let-me-in', tokens: users });
  t.equal((await server.call({ authorization: 'Bearer let-me-in' }, 'GET', '/actors/v2/admin')).status, 200, 'admin of the default tenant');
  t.equal((await server.call({ authorization: 'bearer   let-me-in  ' }, 'GET', '/actors/v2/admin')).status, 200, 'scheme in any case, spaces around the token');
  for (const token of ['let-me-io', 'let-me-inn', 'let-me-i', 'Let-me-in', 'alice-toke', '']) {
    t.match(await server.call({ authorization: `Bearer ${token}` }), { status: 401, message: 'Invalid token.' }, `'${token}'`);
  }
  t.equal((await server.call({ authorization: 'Bearer alice-token' }, 'GET', '/actors/v2/admin')).status, 403, 'a user token is not the admin token');
});

t.test('a bad users file stops the server at start, naming the entry and never the token', async (t) => {
  const abaco = await engine(t);
  const bad: [string, unknown, RegExp][] = [
    ['no user', { tenant: 'TACC', roles: ['user'] }, /token entry 2 \(user missing\): Invalid user name undefined/],
    ['user with a space', { user: 'a b', tenant: 'TACC', roles: ['user'] }, /token entry 2 \(user "a b"\): Invalid user name 'a b'/],
    ['user not a string', { user: 42, tenant: 'TACC', roles: ['user'] }, /token entry 2 \(user 42\): Invalid user name number/],
    ['no tenant', { user: 'bob', roles: ['user'] }, /token entry 2 \(user "bob"\): Invalid tenant undefined/],
    ['unknown role', { user: 'bob', tenant: 'TACC', roles: ['superuser'] }, /token entry 2 \(user "bob"\): Invalid role 'superuser'/],
    ['roles not a list', { user: 'bob', tenant: 'TACC', roles: 'admin' }, /token entry 2 \(user "bob"\): Invalid roles 'admin'/],
    ['entry not an object', null, /token entry 2: expected \{ "user"/],
  ];
  for (const [name, entry, message] of bad) {
    const error = await buildServer(abaco, { tokens: { ...users, 'secret-token-42': entry as TokenUser } }).catch((e: Error) => e);
    t.match(error, { message }, name);
    t.notMatch((error as Error).message, /secret-token-42/, `${name}: the token is not in the message`);
  }
  t.rejects(buildServer(abaco, { tokens: { ' padded ': users['alice-token']! } }), /token entry 1: the token is empty or starts or ends with spaces/);
  t.rejects(buildServer(abaco, { tokens: { '': users['alice-token']! } }), /token entry 1: the token is empty/);
  t.rejects(buildServer(abaco, { adminToken: '' }), /The admin token is empty/);
});

t.test('identity() takes non-empty strings for user and tenant and a list of known roles, nothing else', async (t) => {
  t.same(identity('alice', 'TACC', ['admin', 'user']), { user: 'alice', tenant: 'TACC', roles: ['admin', 'user'] });
  t.same(identity('alice', 'TACC').roles, ['user'], 'user by default');
  t.throws(() => identity(undefined as any, 'TACC'), /Invalid user name undefined/);
  t.throws(() => identity('alice', undefined as any), /Invalid tenant undefined/);
  t.throws(() => identity('', 'TACC'), /Invalid user name ''/);
  t.throws(() => identity('alice', ''), /Invalid tenant ''/);
  t.throws(() => identity({ toString: () => 'alice' } as any, 'TACC'), /Invalid user name object/);
  t.throws(() => identity(['alice'] as any, 'TACC'), /Invalid user name array/);
  t.throws(() => identity('alice', 'TACC', 'admin' as any), /Invalid roles 'admin'/);
  t.throws(() => identity('alice', 'TACC', ['constructor' as any]), /Invalid role 'constructor'/);
  t.throws(() => identity('alice', 'TACC', [null as any]), /Invalid role null/);
});
