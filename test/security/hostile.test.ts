// The attacks of issue #10, each tried over HTTP against a real server, as a hostile caller would:
// every one must be refused with a clear 4xx in the envelope, and a re-read must show nothing changed.
import { watch } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { request } from 'undici';
import { identity, ProcessRuntime } from '@abaco/core';
import type { ServerOptions } from '@abaco/http';
import { finishedOverHttp, images, startApi, tokens, type Api, type Who } from '../api-helpers.js';

/** The helpers' bearer tokens (`alice-token`...), plus a privileged user and a user named `..`. */
const usersFile: NonNullable<ServerOptions['tokens']> = {
  ...Object.fromEntries(Object.entries(tokens).map(([name, user]) => [`${name}-token`, user])),
  'pat-token': { user: 'pat', tenant: 'TACC', roles: ['privileged'] },
  'dots-token': { user: '..', tenant: 'TACC', roles: ['user'] },
};
const pat = { authorization: 'Bearer pat-token' };

/** An image that prints its execution's access token, then runs long enough to be caught running. */
const tokenImages = { ...images, 'test/token-sleep': ['sh', '-c', 'echo $_abaco_access_token; sleep 60'] };

/** The refusal envelope: the status, and the message when one is named. */
const refused = (status: number, message: RegExp = /./) => ({ status, json: { status: 'error', result: null, message } });

/** Registers an actor as `as` and answers its id (the registration must succeed). */
async function register(t: Test, api: Api, as: Who, json: Record<string, unknown>): Promise<string> {
  const answer = await api.call('POST', '/actors/v2', { as, json });
  t.equal(answer.status, 201, `${as} registers ${JSON.stringify(json).slice(0, 60)}`);
  return answer.json!.result.id as string;
}

/** Sends a message as alice; answers the execution id. */
async function send(api: Api, actorId: string, query = ''): Promise<string> {
  const answer = await api.call('POST', `/actors/v2/${actorId}/messages${query}`, { as: 'alice', json: { message: 'hi' } });
  if (answer.status !== 200) throw new Error(`message refused: ${answer.text}`);
  return answer.json!.result.execution_id as string;
}

async function logsOf(api: Api, actorId: string, executionId: string, as: Who = 'alice'): Promise<string> {
  return (await api.call('GET', `/actors/v2/${actorId}/executions/${executionId}/logs`, { as })).json!.result.logs as string;
}

/** Waits until `probe` answers something truthy. */
async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The access token a running `test/token-sleep` execution printed. */
async function accessToken(api: Api, actorId: string, executionId: string): Promise<string> {
  return until('the access token in the logs', async () => /TACC_\w+/.exec(await logsOf(api, actorId, executionId))?.[0]);
}

const nonceIds = async (api: Api, actorId: string): Promise<string[]> =>
  (await api.call('GET', `/actors/v2/${actorId}/nonces`, { as: 'alice' })).json!.result.map((n: { id: string }) => n.id).sort();

/**
 * Makes os.tmpdir() (where the server spools uploads) a folder of this test's own until the test ends,
 * so that uploads of other test processes on the machine are not taken for this server's.
 */
async function withOwnTmpdir(t: Test): Promise<{ dir: string; uploads: () => Promise<string[]> }> {
  const previous = process.env.TMPDIR;
  const dir = await mkdtemp(join(tmpdir(), 'hostile-'));
  await chmod(dir, 0o1777); // like /tmp: actors running as other users make their folders here too
  process.env.TMPDIR = dir;
  t.teardown(async () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, uploads: async () => (await readdir(dir)).filter((name) => name.startsWith('abaco-upload-')) };
}

t.test('a bearer token named like an Object property (constructor, __proto__...) is no login, and registers nothing', async (t) => {
  for (const server of [{}, { tokens: {} }]) {
    const api = await startApi(t, { server });
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const authorization = `Bearer ${name}`;
      t.match(await api.call('GET', '/actors/v2', { headers: { authorization } }), refused(401), `${name}: listing`);
      t.match(await api.call('POST', '/actors/v2', { headers: { authorization }, json: { image: '/bin/sh' } }), refused(401), `${name}: registering /bin/sh`);
    }
    t.same(await api.abaco.actors.list(identity('root', 'TACC', ['admin'])), [], 'no actor was registered');
  }
});

t.test('an ordinary user can neither run a host executable nor set loader variables, and message parameters never reach the loader', async (t) => {
  const api = await startApi(t);
  for (const image of ['/bin/sh', '/usr/bin/env']) {
    t.match(await api.call('POST', '/actors/v2', { as: 'alice', json: { image } }), refused(403, /only admins can register an image that is a path of the host/), image);
  }
  for (const name of ['LD_PRELOAD', 'BASH_ENV', 'NODE_OPTIONS']) {
    const json = { image: 'test/env', default_environment: { [name]: '/tmp/evil' } };
    t.match(await api.call('POST', '/actors/v2', { as: 'alice', json }), refused(400, new RegExp(`default_environment.*${name}`)), name);
  }
  t.same((await api.call('GET', '/actors/v2', { as: 'alice' })).json!.result, [], 'no actor was stored');

  const env = await register(t, api, 'alice', { image: 'test/env' });
  const executionId = await send(api, env, '?BASH_ENV=/tmp/x&LD_PRELOAD=/tmp/y&FOO=bar');
  await finishedOverHttp(api, env, executionId);
  const logs = await logsOf(api, env, executionId);
  t.match(logs, /^FOO=bar$/m, 'an ordinary query parameter is in the environment');
  t.notMatch(logs, /BASH_ENV|LD_PRELOAD/, 'the loader variables are not');

  const sh = await register(t, api, 'root', { image: '/bin/sh' });
  const actor = await until('the actor to fail', async () => {
    const found = (await api.call('GET', `/actors/v2/${sh}`, { as: 'root' })).json!.result;
    return found.status === 'ERROR' && found;
  });
  t.match(actor.status_message, /\/bin\/sh is not present and cannot be pulled.*allowHostExecutables/, "an admin's host path does not run on a runtime without allowHostExecutables");
});

t.test("nonces and READ or EXECUTE users cannot list or read an actor's nonces, and execution tokens are never listed", async (t) => {
  const api = await startApi(t, { engine: { runtime: new ProcessRuntime({ images: tokenImages }) } });
  const actor = await register(t, api, 'alice', { image: 'test/token-sleep', token: true });
  const nonce: Record<string, string> = {};
  for (const level of ['READ', 'EXECUTE', 'UPDATE']) nonce[level] = (await api.call('POST', `/actors/v2/${actor}/nonces`, { as: 'alice', json: { level } })).json!.result.id;
  const before = await nonceIds(api, actor);
  t.equal(before.length, 3);

  for (const level of ['READ', 'EXECUTE']) {
    const q = `?x-nonce=${nonce[level]}`;
    t.match(await api.call('GET', `/actors/v2/${actor}/nonces${q}`), refused(403, /a nonce cannot be used to list, read, create and delete an actor's nonces/), `${level} nonce lists`);
    t.match(await api.call('GET', `/actors/v2/${actor}/nonces/${nonce.UPDATE}${q}`), refused(403), `${level} nonce reads the UPDATE nonce`);
    await api.call('POST', `/actors/v2/${actor}/permissions`, { as: 'alice', json: { user: 'bob', level } });
    t.match(await api.call('GET', `/actors/v2/${actor}/nonces`, { as: 'bob' }), refused(403, /do not have access/), `bob with ${level} lists`);
    t.match(await api.call('GET', `/actors/v2/${actor}/nonces/${nonce.UPDATE}`, { as: 'bob' }), refused(403), `bob with ${level} reads the UPDATE nonce`);
  }
  const listed = (await api.call('GET', `/actors/v2/${actor}/nonces`, { as: 'alice' })).json!.result;
  t.same(listed.map((n: { id: string }) => n.id).sort(), before, 'the nonces are the same');
  t.same(listed.map((n: { current_uses: number }) => n.current_uses), [0, 0, 0], 'no refused request used a nonce');

  const executionId = await send(api, actor);
  const token = await accessToken(api, actor, executionId);
  t.equal((await api.call('GET', `/actors/v2/${actor}/executions/${executionId}`, { as: 'alice' })).json!.result.status, 'RUNNING');
  t.same(await nonceIds(api, actor), before, "the running execution's token is not listed to the owner");
  t.match(await api.call('GET', `/actors/v2/${actor}/nonces/${token}`, { as: 'alice' }), refused(404), 'nor shown by id');
});

t.test('an UPDATE nonce and an execution token cannot manage nonces, grant, alias, configure or list, but the token still writes state', async (t) => {
  const api = await startApi(t, { settings: { secretKey: 'ab'.repeat(32) }, engine: { runtime: new ProcessRuntime({ images: tokenImages }) } });
  const actor = await register(t, api, 'alice', { image: 'test/token-sleep', token: true, stateless: false });
  await api.call('POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'mine', actor_id: actor } });
  const update = (await api.call('POST', `/actors/v2/${actor}/nonces`, { as: 'alice', json: { level: 'UPDATE' } })).json!.result.id as string;
  const read = (await api.call('POST', `/actors/v2/${actor}/nonces`, { as: 'alice', json: { level: 'READ' } })).json!.result.id as string;
  const executionId = await send(api, actor);
  const token = await accessToken(api, actor, executionId);
  const snapshot = async () => ({
    nonces: await nonceIds(api, actor),
    actorPermissions: (await api.call('GET', `/actors/v2/${actor}/permissions`, { as: 'alice' })).json!.result,
    aliasPermissions: (await api.call('GET', '/actors/v2/aliases/mine/permissions', { as: 'alice' })).json!.result,
    aliases: (await api.call('GET', '/actors/v2/aliases', { as: 'alice' })).json!.result.map((a: { alias: string }) => a.alias),
    configs: (await api.call('GET', '/actors/v2/configs', { as: 'alice' })).json!.result,
  });
  const before = await snapshot();
  t.same(before.nonces, [read, update].sort());

  for (const [name, id] of [['UPDATE nonce', update], ['execution token', token]] as const) {
    const q = `?x-nonce=${id}`;
    const attempts: [string, string, string, unknown?][] = [
      ['creates a nonce', 'POST', `/actors/v2/${actor}/nonces${q}`, { level: 'UPDATE' }],
      ['deletes a nonce', 'DELETE', `/actors/v2/${actor}/nonces/${read}${q}`],
      ['grants on the actor', 'POST', `/actors/v2/${actor}/permissions${q}`, { user: 'bob', level: 'UPDATE' }],
      ['grants on the alias', 'POST', `/actors/v2/aliases/mine/permissions${q}`, { user: 'bob', level: 'UPDATE' }],
      ['creates an alias', 'POST', `/actors/v2/aliases${q}`, { alias: 'stolen', actor_id: actor }],
      ['creates a config', 'POST', `/actors/v2/configs${q}`, { name: 'planted', value: 'x', is_secret: false, actors: actor }],
      ['lists actors', 'GET', `/actors/v2${q}`],
    ];
    for (const [what, method, path, json] of attempts) t.match(await api.call(method, path, { json }), refused(403), `${name} ${what}`);
  }
  t.same(await snapshot(), before, 'nothing changed');
  t.match(await api.call('GET', `/actors/v2/${actor}`, { as: 'bob' }), refused(403), 'bob was granted nothing');

  t.equal((await api.call('GET', `/actors/v2/${actor}?x-nonce=${token}`)).status, 200, 'the token reads its actor');
  t.equal((await api.call('POST', `/actors/v2/${actor}/state?x-nonce=${token}`, { json: { count: 1 } })).status, 200, 'the token writes its state');
  t.same((await api.call('GET', `/actors/v2/${actor}/state`, { as: 'alice' })).json!.result.state, { count: 1 });
});

t.test('a catastrophic like pattern over long descriptions never stops the server, and an overlong one is refused', async (t) => {
  const api = await startApi(t);
  for (let i = 0; i < 40; i++) await register(t, api, 'alice', { image: 'test/env', description: `${'a'.repeat(4000)}!` });
  const pattern = encodeURIComponent('^(a+)+$');
  const [search, listing, utilization] = await Promise.all([
    api.call('GET', `/actors/v2/search/actors?description.like=${pattern}`, { as: 'alice' }),
    api.call('GET', `/actors/v2?description.like=${pattern}`, { as: 'alice' }),
    api.call('GET', '/actors/v2/utilization', { as: 'alice' }),
  ]);
  for (const answer of [search, listing]) {
    t.ok([200, 400].includes(answer.status), `the search answered ${answer.status}`);
    if (answer.status === 200) t.same(answer.json!.result.search, [], 'and matched no description (each ends in !)');
  }
  t.equal(utilization.status, 200, 'a request sent alongside is answered');
  const long = encodeURIComponent('a'.repeat(300));
  t.match(await api.call('GET', `/actors/v2/search/actors?description.like=${long}`, { as: 'alice' }), refused(400, /'description.like'.*at most 256/));
});

t.test('a user with UPDATE on a privileged actor cannot change it; its privileged owner can', async (t) => {
  const api = await startApi(t, { server: { tokens: usersFile } });
  const created = await api.call('POST', '/actors/v2', { headers: pat, json: { image: 'test/env', privileged: true, description: 'by pat' } });
  t.equal(created.status, 201);
  const actor = created.json!.result;
  await api.call('POST', `/actors/v2/${actor.id}/permissions`, { headers: pat, json: { user: 'bob', level: 'UPDATE' } });
  for (const json of [{ image: 'test/sleep' }, { image: 'test/env', description: 'by bob' }, { image: 'test/env', privileged: false }]) {
    t.match(await api.call('PUT', `/actors/v2/${actor.id}`, { as: 'bob', json }), refused(403, /privileged actor/), `bob sends ${JSON.stringify(json)}`);
  }
  const after = (await api.call('GET', `/actors/v2/${actor.id}`, { headers: pat })).json!.result;
  t.match(after, { image: 'test/env', privileged: true, description: 'by pat', revision: actor.revision, last_update_time: actor.last_update_time }, 'unchanged');
  const changed = await api.call('PUT', `/actors/v2/${actor.id}`, { headers: pat, json: { image: 'test/sleep' } });
  t.match(changed, { status: 200, json: { result: { image: 'test/sleep', privileged: true } } }, 'the privileged owner changes it');
});

t.test('a request without identity has no body read: a 200 MB upload is never spooled, a 9 MB JSON never parsed', async (t) => {
  const tmp = await withOwnTmpdir(t);
  const api = await startApi(t);
  const actor = await register(t, api, 'alice', { image: 'test/binary' });
  const seen: string[] = [];
  const watcher = watch(tmp.dir, (_event, name) => name?.startsWith('abaco-upload-') && seen.push(name));
  t.teardown(() => watcher.close());
  const mb = Buffer.alloc(1024 * 1024, 'x');
  const body = Readable.from((function* () {
    for (let i = 0; i < 200; i++) yield mb;
  })());
  const upload = await request(`${api.url}/actors/v2/${actor}/messages`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
  t.match({ status: upload.statusCode, json: JSON.parse(await upload.body.text()) }, refused(401, /No JWT or nonce provided/));
  t.same([...seen, ...(await tmp.uploads())], [], 'no upload folder appeared, even for a moment');

  // Not JSON at all: parsed before authentication, it would be a 400. (`reset`: the connection closes
  // after the answer, whose unread body would otherwise keep it open and the server's close waiting.)
  const json = await request(`${api.url}/actors/v2`, { method: 'POST', reset: true, headers: { 'content-type': 'application/json' }, body: `{"image": "${'a'.repeat(9 * 1024 * 1024)}` });
  t.match({ status: json.statusCode, json: JSON.parse(await json.body.text()) }, refused(401, /No JWT or nonce provided/));
  t.same((await api.abaco.executions.list(identity('alice', 'TACC'), actor)).executions, [], 'no message was queued');
  t.equal((await api.call('GET', '/actors/v2', { as: 'alice' })).json!.result.length, 1, 'no actor was registered');
});

t.test('a secret config follows neither an alias reused by someone else nor an actor added by a user who can update the config', async (t) => {
  const api = await startApi(t, { settings: { secretKey: 'ab'.repeat(32) } });
  const configsSeen = async (actorId: string, as: Who) => {
    const executionId = (await api.call('POST', `/actors/v2/${actorId}/messages`, { as, json: { message: 'x' } })).json!.result.execution_id;
    await finishedOverHttp(api, actorId, executionId, as);
    return /^_actor_configs=(.*)$/m.exec(await logsOf(api, actorId, executionId, as))?.[1];
  };
  const a = await register(t, api, 'alice', { image: 'test/env' });
  t.equal((await api.call('POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'db', actor_id: a } })).status, 201);
  t.equal((await api.call('POST', '/actors/v2/configs', { as: 'alice', json: { name: 'dbpass', value: 'hunter2', is_secret: true, actors: 'db' } })).status, 201);
  t.match(await configsSeen(a, 'alice'), /'dbpass': 'hunter2'/, "alice's actor gets the secret through the alias");
  t.equal((await api.call('DELETE', `/actors/v2/${a}`, { as: 'alice' })).status, 200);
  const b = await register(t, api, 'bob', { image: 'test/env' });
  t.equal((await api.call('POST', '/actors/v2/aliases', { as: 'bob', json: { alias: 'db', actor_id: b } })).status, 201, 'bob takes the alias db');
  t.equal(await configsSeen(b, 'bob'), '{}', "bob's actor behind the alias does not get the secret");

  const a2 = await register(t, api, 'alice', { image: 'test/env' });
  await api.call('POST', '/actors/v2/configs', { as: 'alice', json: { name: 'shared', value: 'alices', is_secret: true, actors: a2 } });
  await api.call('POST', '/actors/v2/configs/shared/permissions', { as: 'alice', json: { user: 'bob', level: 'UPDATE' } });
  const b2 = await register(t, api, 'bob', { image: 'test/env' });
  const put = await api.call('PUT', '/actors/v2/configs/shared', { as: 'bob', json: { value: 'planted', is_secret: true, actors: b2 } });
  t.match(put, { status: 200, json: { result: { owner: 'alice' } } }, 'bob, who may update the config, adds his actor to it');
  t.equal(await configsSeen(b2, 'bob'), '{}', "bob's actor does not get alice's config: alice holds nothing on it");
});

t.test('tasdir is for admins, and no tasdir or user name climbs out of a mount template', async (t) => {
  const globalMounts = [
    { host_path: '/data/{tasdir}', container_path: '/work', mode: 'ro' as const },
    { host_path: '/home/{username}', container_path: '/home', mode: 'rw' as const },
  ];
  const api = await startApi(t, { settings: { globalMounts }, server: { tokens: usersFile } });
  t.match(await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env', tasdir: 'x' } }), refused(403, /only admins can set tasdir/), 'a user');
  t.match(await api.call('POST', '/actors/v2', { headers: pat, json: { image: 'test/env', tasdir: 'x' } }), refused(403, /only admins can set tasdir/), 'a privileged user');
  for (const tasdir of ['../../etc', 'x:/etc']) {
    const answer = await api.call('POST', '/actors/v2', { as: 'root', json: { image: 'test/env', tasdir } });
    t.match(answer, refused(400, /mount path .* may not contain '\.\.' or ':'/), `an admin with tasdir ${tasdir}`);
  }
  const dots = await api.call('POST', '/actors/v2', { headers: { authorization: 'Bearer dots-token' }, json: { image: 'test/env' } });
  t.match(dots, refused(400, /mount path '\/home\/\.\.'/), 'the user named ..');
  t.same(await api.abaco.actors.list(identity('root', 'TACC', ['admin'])), [], 'no actor was stored');
  const fine = await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' } });
  t.match(fine.json!.result.mounts, [{ host_path: '/data/' }, { host_path: '/home/alice' }], "alice's own actor gets her mounts");
});

t.test('CORS answers only configured origins, and a synchronous answer is plain text that is never sniffed', async (t) => {
  const api = await startApi(t, { server: { corsOrigins: ['https://good.example'] } });
  const evil = { origin: 'https://evil.example' };
  const get = await api.call('GET', '/actors/v2', { as: 'alice', headers: evil });
  t.equal(get.status, 200);
  t.equal(get.headers['access-control-allow-origin'], undefined, 'no allow-origin for evil.example');
  const preflight = await api.call('OPTIONS', '/actors/v2', { headers: { ...evil, 'access-control-request-method': 'POST' } });
  t.equal(preflight.headers['access-control-allow-origin'], undefined, 'nor on a preflight');
  const good = await api.call('GET', '/actors/v2', { as: 'alice', headers: { origin: 'https://good.example' } });
  t.equal(good.headers['access-control-allow-origin'], 'https://good.example', 'a configured origin is allowed');

  const actor = await register(t, api, 'alice', { image: 'test/env' });
  const sync = await api.call('POST', `/actors/v2/${actor}/messages?_abaco_synchronous=true`, { as: 'alice', json: { message: '<script>alert(1)</script>' } });
  t.equal(sync.status, 200);
  t.match(sync.text, /MSG=<script>/);
  t.match(sync.headers['content-type'], /^text\/plain/);
  t.equal(sync.headers['x-content-type-options'], 'nosniff');
});

t.test('a forged Host header never makes the links of an answer', async (t) => {
  const api = await startApi(t);
  const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
  const created = await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'test/env' }, headers: forged });
  const actor = created.json!.result;
  const answers = [created, await api.call('GET', `/actors/v2/${actor.id}`, { as: 'alice', headers: forged }), await api.call('POST', `/actors/v2/${actor.id}/messages`, { as: 'alice', json: { message: 'x' }, headers: forged })];
  for (const answer of answers) {
    t.notMatch(answer.text, /evil\.example/);
    t.ok(answer.json!.result._links.owner.startsWith(api.url), answer.json!.result._links.owner);
  }
});

t.test('a user of another tenant finds no actor of TACC, and a TACC nonce beside her token never acts as her', async (t) => {
  const api = await startApi(t);
  const actor = await register(t, api, 'alice', { image: 'test/env' });
  const permissions = (await api.call('GET', `/actors/v2/${actor}/permissions`, { as: 'alice' })).json!.result;
  t.match(await api.call('GET', `/actors/v2/${actor}`, { as: 'eve' }), refused(404), 'eve reads');
  t.match(await api.call('POST', `/actors/v2/${actor}/messages`, { as: 'eve', json: { message: 'x' } }), refused(404), 'eve sends a message');
  t.match(await api.call('POST', `/actors/v2/${actor}/permissions`, { as: 'eve', json: { user: 'eve', level: 'UPDATE' } }), refused(404), 'eve grants herself');

  const execute = (await api.call('POST', `/actors/v2/${actor}/nonces`, { as: 'alice', json: { level: 'EXECUTE' } })).json!.result.id;
  const q = `?x-nonce=${execute}`;
  t.match(await api.call('POST', `/actors/v2/${actor}/permissions${q}`, { as: 'eve', json: { user: 'eve', level: 'UPDATE' } }), refused(403), 'eve grants with the nonce');
  const sent = await api.call('POST', `/actors/v2/${actor}/messages${q}`, { as: 'eve', json: { message: 'x' } });
  t.equal(sent.status, 200, 'the nonce sends its message');
  const execution = await finishedOverHttp(api, actor, sent.json!.result.execution_id);
  t.equal(execution.executor, 'alice', "the message was sent as the nonce's owner, not as eve");
  t.match(await api.call('GET', `/actors/v2/${actor}`, { as: 'eve' }), refused(404), 'eve still finds nothing');
  t.same((await api.call('GET', `/actors/v2/${actor}/permissions`, { as: 'alice' })).json!.result, permissions, 'the permissions are unchanged');
});

t.test('with one upload allowed at a time, a second upload during a slow one gets 503 and the first still succeeds', async (t) => {
  const tmp = await withOwnTmpdir(t);
  const api = await startApi(t, { server: { maxConcurrentUploads: 1 } });
  const actor = await register(t, api, 'alice', { image: 'test/binary' });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  async function* slow() {
    yield Buffer.alloc(1000, 'a');
    await released;
    yield Buffer.alloc(1000, 'b');
  }
  const headers = { authorization: 'Bearer alice-token', 'content-type': 'application/octet-stream' };
  const first = request(`${api.url}/actors/v2/${actor}/messages`, { method: 'POST', headers, body: Readable.from(slow()) });
  await until('the first upload to be spooled', async () => (await tmp.uploads()).length === 1);
  const second = await api.call('POST', `/actors/v2/${actor}/messages`, { as: 'alice', bytes: Buffer.from('second') });
  t.match(second, refused(503, /Too many binary messages are being uploaded at once \(at most 1\)/));
  release();
  const answer = await first;
  const executionId = JSON.parse(await answer.body.text()).result.execution_id;
  t.equal(answer.statusCode, 200);
  await finishedOverHttp(api, actor, executionId);
  t.match(await logsOf(api, actor, executionId), /^2000$/m, 'the first upload ran with all its bytes');
  t.equal((await api.call('GET', `/actors/v2/${actor}/executions`, { as: 'alice' })).json!.result.executions.length, 1, 'only the first was queued');
});

t.test('an upload that stalls is dropped with 408, and its slot is free again', async (t) => {
  const tmp = await withOwnTmpdir(t);
  const api = await startApi(t, { server: { maxConcurrentUploads: 1, uploadIdleMs: 300 } });
  const actor = await register(t, api, 'alice', { image: 'test/binary' });
  async function* stalls() {
    yield Buffer.alloc(1000, 'a');
    await new Promise(() => {}); // never sends the rest
  }
  const headers = { authorization: 'Bearer alice-token', 'content-type': 'application/octet-stream' };
  const stalled = await request(`${api.url}/actors/v2/${actor}/messages`, { method: 'POST', headers, body: Readable.from(stalls()) });
  t.equal(stalled.statusCode, 408);
  t.match(JSON.parse(await stalled.body.text()), { status: 'error', message: /sent nothing for 0\.3 s/ });
  await until('the stalled upload to be removed', async () => (await tmp.uploads()).length === 0);
  const next = await api.call('POST', `/actors/v2/${actor}/messages`, { as: 'alice', bytes: Buffer.from('next') });
  t.equal(next.status, 200, 'the next upload is taken');
  t.equal((await api.call('GET', `/actors/v2/${actor}/executions`, { as: 'alice' })).json!.result.executions.length, 1, 'the stalled message was never queued');
});

t.test('a nonce on a route that takes none is refused with the reason, before a use is counted', async (t) => {
  const api = await startApi(t);
  const actor = await register(t, api, 'alice', { image: 'abacosamples/wc' });
  const nonce = (await api.call('POST', `/actors/v2/${actor}/nonces`, { as: 'alice', json: { level: 'UPDATE', maxUses: 1 } })).json!.result.id;
  const refusedAnswer = await api.call('GET', `/actors/v2/${actor}/permissions?x-nonce=${nonce}`);
  t.match(refusedAnswer, refused(403, /a nonce cannot be used to read an actor's permissions/));
  t.equal((await api.call('GET', `/actors/v2/${actor}?x-nonce=${nonce}`)).status, 200, 'its one use is still there');
});
