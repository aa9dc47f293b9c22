import t from 'tap';
import { finishedOverHttp, startApi, type CallOptions } from './api-helpers.js';

t.test('bad input on every route: a 4xx in the envelope, never a 500, and nothing changes', async (t) => {
  const api = await startApi(t, { settings: { secretKey: 'b'.repeat(64) }, server: { maxMessageBytes: 1000, maxBodyBytes: 5000 } });
  const actor = (await api.call('POST', '/actors/v2', { as: 'alice', json: { image: 'abacosamples/wc', stateless: false } })).json!.result;
  const id = actor.id as string;
  await api.call('POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'wc', actorId: id } });
  const nonce = (await api.call('POST', `/actors/v2/${id}/nonces`, { as: 'alice', json: { maxUses: 5 } })).json!.result;
  await api.call('POST', '/actors/v2/configs', { as: 'alice', json: { name: 'cfg', value: 'v', actors: id, isSecret: false } });
  const sent = await api.call('POST', `/actors/v2/${id}/messages`, { as: 'alice', form: { message: 'a b' } });
  const exec = sent.json!.result.execution_id as string;
  await finishedOverHttp(api, id, exec); // halting it below must find it finished

  const snapshot = async () => {
    const get = async (path: string) => (await api.call('GET', path, { as: 'root' })).json?.result;
    const actorNow = await get(`/actors/v2/${id}`);
    delete actorNow.status;
    return {
      actors: (await get('/actors/v2')).map((a: { id: string }) => a.id),
      actor: actorNow,
      aliases: await get('/actors/v2/aliases'),
      nonces: await get(`/actors/v2/${id}/nonces`),
      configs: await get('/actors/v2/configs'),
      permissions: await get(`/actors/v2/${id}/permissions`),
      state: await get(`/actors/v2/${id}/state`),
      executions: (await get(`/actors/v2/${id}/executions`)).total_executions,
    };
  };
  const before = await snapshot();

  const huge = 'x'.repeat(6000);
  const cases: [string, string, CallOptions, number, RegExp][] = [
    // no identity, bad identity, wrong user
    ['GET', '/actors/v2', {}, 401, /No JWT or nonce provided/],
    ['GET', '/actors/v2', { headers: { authorization: 'Bearer wrong' } }, 401, /Invalid token/],
    ['GET', '/actors/v2', { headers: { authorization: 'Bearer a.b.c' } }, 401, /Invalid token/],
    ['GET', '/actors/v2', { headers: { 'x-jwt-assertion-tacc': 'not-a-jwt' } }, 401, /JWT/],
    ['GET', `/actors/v2/${id}?x-nonce=TACC_nosuchnonce00`, {}, 401, /Nonce does not exist/],
    ['DELETE', `/actors/v2/${id}?x-nonce=${nonce.id}`, {}, 403, /Nonce does not have sufficient permissions level/],
    ['GET', `/actors/v2/${id}`, { as: 'bob' }, 403, /do not have access to this actor/],
    ['PUT', `/actors/v2/${id}`, { as: 'bob', json: { image: 'evil' } }, 403, /do not have access/],
    ['DELETE', `/actors/v2/${id}`, { as: 'bob' }, 403, /do not have access/],
    ['POST', `/actors/v2/${id}/messages`, { as: 'bob', form: { message: 'x' } }, 403, /do not have access/],
    ['DELETE', `/actors/v2/${id}/messages`, { as: 'bob' }, 403, /do not have access/],
    ['POST', `/actors/v2/${id}/permissions`, { as: 'bob', json: { user: 'bob', level: 'UPDATE' } }, 403, /do not have access/],
    ['POST', `/actors/v2/${id}/workers`, { as: 'alice', json: { num: 3 } }, 403, /only admins are authorized to update workers/],
    ['GET', '/actors/v2/admin', { as: 'alice' }, 403, /Abaco Admin role required/],
    ['GET', '/actors/v2/configs/cfg', { as: 'bob' }, 403, /sufficient access to this actor config/],
    ['GET', `/actors/v2/${id}`, { as: 'eve' }, 404, /not found/],
    // unknown ids
    ['GET', '/actors/v2/nosuchactor', { as: 'alice' }, 404, /Actor with identifier 'nosuchactor' not found/],
    ['GET', `/actors/v2/${id}/executions/nosuchexec`, { as: 'alice' }, 400, /No executions found with actor id of/],
    ['GET', `/actors/v2/${id}/executions/nosuchexec/logs`, { as: 'alice' }, 400, /No executions found/],
    ['GET', `/actors/v2/${id}/executions/nosuchexec/results`, { as: 'alice' }, 400, /No executions found/],
    ['DELETE', `/actors/v2/${id}/executions/nosuchexec`, { as: 'alice' }, 400, /No executions found/],
    ['GET', '/actors/v2/aliases/nosuchalias', { as: 'alice' }, 404, /No alias found: nosuchalias/],
    ['GET', `/actors/v2/${id}/nonces/TACC_nosuch`, { as: 'alice' }, 404, /Nonce not found/],
    ['GET', '/actors/v2/configs/nosuchconfig', { as: 'alice' }, 404, /No config found/],
    ['GET', `/actors/v2/${id}/workers/nosuchworker`, { as: 'alice' }, 404, /No worker found/],
    // wrong methods and unknown routes
    ['PATCH', `/actors/v2/${id}`, { as: 'alice' }, 405, /the API endpoint does not exist or the provided HTTP method is not allowed/],
    ['PUT', '/actors/v2', { as: 'alice', json: {} }, 405, /not allowed/],
    ['GET', '/nothing/here', { as: 'alice' }, 405, /not allowed/],
    ['POST', `/actors/v2/${id}/executions`, { as: 'alice', json: {} }, 405, /not allowed/],
    // malformed bodies
    ['POST', '/actors/v2', { as: 'alice', raw: { body: '{"image": ', contentType: 'application/json' } }, 400, /Invalid JSON body/],
    ['POST', '/actors/v2', { as: 'alice', raw: { body: 'image=x', contentType: 'text/plain' } }, 400, /must be a JSON object/],
    ['POST', '/actors/v2', { as: 'alice', json: [1, 2] }, 400, /must be a JSON object/],
    ['POST', '/actors/v2', { as: 'alice', bytes: Buffer.from('xx') }, 400, /must be a JSON object/],
    ['POST', '/actors/v2', { as: 'alice', json: { image: huge } }, 413, /exceeds max content length/],
    ['POST', `/actors/v2/${id}/messages`, { as: 'alice', bytes: Buffer.alloc(2000) }, 413, /Message exceeds max content length of: 1000/],
    ['POST', `/actors/v2/${id}/messages`, { as: 'alice', raw: { body: 'not json', contentType: 'text/plain' } }, 400, /message POST body could not be serialized/],
    ['POST', `/actors/v2/${id}/messages`, { as: 'alice' }, 400, /message POST body could not be serialized/],
    ['POST', `/actors/v2/${id}/messages?bad%20name=1`, { as: 'alice', form: { message: 'x' } }, 400, /Invalid query parameter 'bad name'/],
    // wrong types and missing fields
    ['POST', '/actors/v2', { as: 'alice', json: { name: 'no image' } }, 400, /'image': 'is required/],
    ['POST', '/actors/v2', { as: 'alice', json: { image: 'x', stateless: 'perhaps' } }, 400, /'stateless': 'must be boolean'/],
    ['POST', '/actors/v2', { as: 'alice', form: { image: 'x', max_workers: 'three' } }, 400, /'max_workers': 'must be integer/],
    ['POST', '/actors/v2', { as: 'alice', json: { image: 'x', privileged: true } }, 403, /only admins and privileged users can make privileged actors/],
    ['POST', '/actors/v2', { as: 'alice', json: { image: 'x', cronSchedule: '1955-01-01 10 + 1 hour' } }, 400, /The starting datetime is old/],
    ['POST', '/actors/v2', { as: 'alice', json: { image: 'x', cronSchedule: 'whenever' } }, 400, /The cron is not in the correct format/],
    ['POST', '/actors/v2', { as: 'alice', json: { image: 'x', cronSchedule: 'now + 2 eons' } }, 400, /eons is an invalid unit of time/],
    ['PUT', `/actors/v2/${id}`, { as: 'alice', json: { image: 'x', stateless: true } }, 400, /cannot be updated to be stateless/],
    ['POST', `/actors/v2/${id}/state`, { as: 'alice', raw: { body: 'not json', contentType: 'text/plain' } }, 400, /state must be JSON serializable/],
    ['POST', `/actors/v2/${id}/permissions`, { as: 'alice', json: { user: 'bob', level: 'SUPER' } }, 400, /Invalid permission level: SUPER/],
    ['POST', `/actors/v2/${id}/permissions`, { as: 'alice', json: { level: 'READ' } }, 400, /'user'/],
    ['POST', `/actors/v2/${id}/nonces`, { as: 'alice', json: { maxUses: 0 } }, 400, /positive integer or -1/],
    ['POST', `/actors/v2/${id}/nonces`, { as: 'alice', json: { level: 'GOD' } }, 400, /The level attribute must be one of/],
    ['POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'wc', actorId: id } }, 400, /Alias wc already exists/],
    ['POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'bad/alias', actorId: id } }, 400, /forbidden character/],
    ['POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'admin', actorId: id } }, 400, /reserved word/],
    ['POST', '/actors/v2/aliases', { as: 'alice', json: { alias: 'openapi.json', actorId: id } }, 400, /reserved word/],
    ['POST', '/actors/v2/aliases', { as: 'alice', json: { actorId: id } }, 400, /'alias'/],
    ['PUT', '/actors/v2/aliases/wc', { as: 'alice', json: { alias: 'other', actorId: id } }, 400, /alias itself cannot be updated/],
    ['POST', '/actors/v2/configs', { as: 'alice', json: { name: 'cfg', value: 'v', actors: id, isSecret: false } }, 400, /Config cfg already exists/],
    ['POST', '/actors/v2/configs', { as: 'alice', json: { name: 'c2', actors: id, isSecret: false } }, 400, /'value': 'is required/],
    ['POST', '/actors/v2/configs', { as: 'alice', json: { name: 'c3', value: 1, actors: 'ghost', isSecret: false } }, 404, /^No actor or alias found with id: ghost\.$/],
    ['POST', `/actors/v2/${id}/workers`, { as: 'root', json: { num: 'many' } }, 400, /'num'/],
    ['DELETE', `/actors/v2/${id}/executions/${exec}`, { as: 'alice' }, 400, /Cannot force quit an execution not in RUNNING status/],
    ['POST', `/actors/v2/${id}/messages?_abaco_synchronous=true`, { as: 'bob', form: { message: 'x' } }, 403, /do not have access/],
  ];
  for (const [method, path, options, status, message] of cases) {
    const answer = await api.call(method, path, options);
    t.equal(answer.status, status, `${method} ${path} ${JSON.stringify(options).slice(0, 80)}`);
    t.match(answer.json, { status: 'error', message, result: null, version: String }, `envelope of ${method} ${path}`);
  }
  t.same(await snapshot(), before, 'the data is unchanged');
});

t.test('CORS: only the origins the deployment names may call from a browser, with credentials', async (t) => {
  const api = await startApi(t, { server: { corsOrigins: ['https://portal.example.org'] } });
  const preflight = await api.call('OPTIONS', '/actors/v2', { headers: { origin: 'https://portal.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
  t.equal(preflight.status, 204);
  t.equal(preflight.headers['access-control-allow-origin'], 'https://portal.example.org');
  t.equal(preflight.headers['access-control-allow-credentials'], 'true');
  t.match(preflight.headers['access-control-allow-methods'], /DELETE/);
  const listed = await api.call('GET', '/actors/v2', { as: 'alice', headers: { origin: 'https://portal.example.org' } });
  t.equal(listed.headers['access-control-allow-origin'], 'https://portal.example.org');
  const evil = await api.call('GET', '/actors/v2', { as: 'alice', headers: { origin: 'https://evil.example.com' } });
  t.equal(evil.headers['access-control-allow-origin'], undefined, 'another origin is not echoed');

  const closed = await startApi(t);
  const none = await closed.call('GET', '/actors/v2', { as: 'alice', headers: { origin: 'https://portal.example.org' } });
  t.equal(none.headers['access-control-allow-origin'], undefined, 'by default no origin is allowed');
});
