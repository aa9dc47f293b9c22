// TACC's generated TypeScript client of the Tapis v3 Actors API (@tapis/tapis-typescript-actors, from
// the published OpenAPI) against `abaco serve`, with X-Tapis-Token JWTs minted from a test key pair.
// Where a generated method cannot read our (and upstream's) answer, the test uses its `...Raw`
// twin, as a user of the client would; the README lists those methods and why.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import {
  ActorPermissionLevelEnum,
  ActorsApi,
  AliasesApi,
  Configuration,
  ExecutionsApi,
  MessagesApi,
  NoncesApi,
  PermissionsApi,
  ReqCreateNonceLevelEnum,
  SearchApi,
  SearchDatabaseSearchTypeEnum,
  SendMessageAbacoSynchronousEnum,
  StateApi,
  WorkersApi,
} from '@tapis/tapis-typescript-actors';
import { startServe } from './serve-helpers.js';

const ISSUER = 'https://tacc.tapis.io/v3/tokens';

const images = {
  'test/echo': ['sh', '-c', 'echo "type=$_abaco_Content_Type user=$_abaco_username msg=$MSG"'],
  'test/results': ['python3', '-c', 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b"\\x00\\x01binary result", os.environ["ABACO_ROOT"] + "/_abaco_results.sock")\nprint("sent")'],
};

/** A Tapis v3 access token of `user@tacc`, as the Tapis Tokens service signs them. */
function tapisToken(key: KeyLike, user: string, tenant = 'tacc'): Promise<string> {
  return new SignJWT({
    'tapis/tenant_id': tenant,
    'tapis/username': user,
    'tapis/account_type': 'user',
    'tapis/token_type': 'access',
    'tapis/delegation': false,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(`${user}@${tenant}`)
    .setJti(`${user}-${Date.now()}`)
    .setExpirationTime('1h')
    .sign(key);
}

/** The status of a call the client refused (it throws the fetch Response of any non-2xx answer). */
async function refusal(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof Response) return { status: e.status, message: ((await e.json()) as { message: string }).message };
    throw e;
  }
  throw new Error('the call was not refused');
}

t.test('the Tapis v3 TypeScript client drives the server through X-Tapis-Token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-tapis-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  writeFileSync(join(dir, 'tacc.pem'), await exportSPKI(publicKey));
  writeFileSync(join(dir, 'roles.json'), JSON.stringify({ 'root@tacc': ['abaco_admin'] }));
  writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ runtime: 'process', images, settings: { autoscaleIntervalMs: 0, workerPollMs: 100 } }));
  const server = await startServe(['--config', 'abaco.json', '--tapis-key', 'tacc=tacc.pem', '--tapis-issuer', `tacc=${ISSUER}`, '--tapis-roles', 'roles.json'], dir);
  t.teardown(() => server.stop());

  const as = async (user: string) => new Configuration({ basePath: server.url, headers: { 'X-Tapis-Token': await tapisToken(privateKey, user) } });
  const jdoe = await as('jdoe');
  const actors = new ActorsApi(jdoe);
  const messages = new MessagesApi(jdoe);
  const executions = new ExecutionsApi(jdoe);

  /** Waits for an execution to finish, through the client. */
  const finished = async (actorId: string, executionId: string) => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const { result } = await executions.getExecution({ actorId, executionId });
      if (['COMPLETE', 'ERROR'].includes(String(result?.status))) return result!;
    }
    throw new Error(`execution ${executionId} did not finish`);
  };

  // Register, read, list (paged), update.
  const created = await actors.createActor({ reqCreateActor: { image: 'test/echo', name: 'echo', stateless: false, default_environment: { greeting: 'hi' } } });
  t.match(created, { status: 'success', result: { image: 'test/echo', owner: 'jdoe', stateless: false, default_environment: { greeting: 'hi' } } });
  const actorId = created.result!.id!;
  t.match(await actors.getActor({ actorId }), { result: { id: actorId, name: 'echo' } });
  await actors.createActor({ reqCreateActor: { image: 'test/results', name: 'results' } });
  t.equal((await actors.listActors({})).result?.length, 2);
  t.equal((await actors.listActors({ limit: 1, offset: 1 })).result?.length, 1, 'limit and offset page the list');
  t.match(await actors.updateActor({ actorId, reqCreateActor: { image: 'test/echo', description: 'says what it got', stateless: false } }), { result: { description: 'says what it got' } });

  // A string message, and a JSON one (the client wraps every message in {"message": ...}: a string is a string message, anything else makes the body a JSON message).
  const sent = await messages.sendMessage({ actorId, jSONMessage: { message: 'hello world' as unknown as object } });
  t.match(sent, { status: 'success', result: { executionId: /^\w+$/ } }, 'the typed answer has the execution id');
  const first = await finished(actorId, sent.result!.executionId!);
  t.match(first, { status: 'COMPLETE', actor_id: actorId, worker_id: /\w+/ });
  t.match((await executions.getExecutionLogs({ actorId, executionId: first.id! })).result?.logs, /type=str user=jdoe msg=hello world/);
  const json = await messages.sendMessage({ actorId, jSONMessage: { message: { n: 42 } } });
  const second = await finished(actorId, json.result!.executionId!);
  t.match((await executions.getExecutionLogs({ actorId, executionId: second.id! })).result?.logs, /type=application\/json user=jdoe msg=.*message.*n.*42/);
  // sendJsonMessage posts to /actors/{id}///messages (no /v3 in the OpenAPI): the v2 API answers, naming the id execution_id.
  const v2 = (await (await messages.sendJsonMessageRaw({ actorId, jSONMessage: { message: { n: 43 } } })).raw.json()) as { result: { execution_id: string } };
  await finished(actorId, v2.result.execution_id);
  t.match(await executions.listExecutions({ actorId }), { result: { actor_id: actorId, owner: 'jdoe', total_executions: 3, executions: [{ status: 'COMPLETE' }, { status: 'COMPLETE' }, { status: 'COMPLETE' }] } });
  t.match(await messages.getMessages({ actorId }), { result: { messages: 0 } });
  t.match(await messages.deletePendingMessages({ actorId }), { status: 'success' });

  // A synchronous message answers with the logs (or the first result), not JSON: read it raw.
  const sync = await messages.sendMessageRaw({ actorId, jSONMessage: { message: 'now' as unknown as object }, abacoSynchronous: SendMessageAbacoSynchronousEnum.True });
  t.match(await sync.raw.text(), /msg=now/);

  // Results: the bytes an actor sent to its results socket.
  const resultsActor = (await actors.listActors({})).result!.find((a) => a.image === 'test/results')!;
  const withResult = await messages.sendMessage({ actorId: resultsActor.id!, jSONMessage: { message: 'go' as unknown as object } });
  await finished(resultsActor.id!, withResult.result!.executionId!);
  const blob = await executions.getExecutionResult({ actorId: resultsActor.id!, executionId: withResult.result!.executionId! });
  t.same(Buffer.from(await blob.arrayBuffer()), Buffer.from('\x00\x01binary result', 'latin1'));

  // State (createActor made it stateful). updateState's generated reader expects a list: read it raw.
  const stateApi = new StateApi(jdoe);
  const updated = await stateApi.updateStateRaw({ actorId, body: { count: 1 } });
  t.match(await updated.raw.json(), { status: 'success', result: { id: actorId, state: { count: 1 } } });
  t.match(await stateApi.getState({ actorId }), { result: { actor_id: actorId, state: { count: 1 } } });

  // Nonces. createNonce's generated reader expects a list: read it raw.
  const nonces = new NoncesApi(jdoe);
  const nonce = ((await (await nonces.createNonceRaw({ actorId, reqCreateNonce: { level: ReqCreateNonceLevelEnum.Execute, max_uses: 5 } })).raw.json()) as { result: { id: string } }).result;
  t.match(await nonces.listNonces({ actorId }), { result: [{ id: nonce.id, level: 'EXECUTE', max_uses: 5, remaining_uses: 5 }] });
  t.match(await nonces.getNonce({ actorId, nonceId: nonce.id }), { result: { id: nonce.id, actor_id: actorId } });
  // The client sends its apiKey as ?x-nonce= (and as an X-JWT-Assertion-DEV header, which the nonce outranks).
  const withNonce = new Configuration({ basePath: server.url, apiKey: nonce.id });
  const bySomeone = await new MessagesApi(withNonce).sendMessage({ actorId, jSONMessage: { message: 'by nonce' as unknown as object } });
  t.match((await finished(actorId, bySomeone.result!.executionId!)).status, 'COMPLETE');
  t.match(await refusal(new ActorsApi(withNonce).deleteActor({ actorId })), { status: 403 }, 'an EXECUTE nonce does not delete');
  t.match(await nonces.deleteNonce({ actorId, nonceId: nonce.id }), { status: 'success' });
  t.match(await refusal(new ActorsApi(withNonce).getActor({ actorId })), { status: 401 }, 'a deleted nonce');

  // Aliases.
  const aliases = new AliasesApi(jdoe);
  t.match(await aliases.createAlias({ reqCreateAlias: { alias: 'echo-alias', actor_id: actorId } }), { result: { alias: 'echo-alias', actor_id: actorId, owner: 'jdoe' } });
  t.match(await aliases.getAlias({ alias: 'echo-alias' }), { result: { actor_id: actorId } });
  t.match(await aliases.listAliases({}), { result: [{ alias: 'echo-alias' }] });
  t.match(await actors.getActor({ actorId: 'echo-alias' }), { result: { id: actorId } }, 'an alias stands for its actor');
  t.match(await aliases.updateActorAlias({ alias: 'echo-alias', reqCreateAlias: { actor_id: resultsActor.id! } }), { result: { actor_id: resultsActor.id } });
  t.match(await aliases.deleteAlias({ alias: 'echo-alias' }), { status: 'success' });

  // Permissions: bob may read once jdoe shares the actor, and not before; bob may not send.
  const bob = await as('bob');
  t.match(await refusal(new ActorsApi(bob).getActor({ actorId })), { status: 403 });
  const permissions = new PermissionsApi(jdoe);
  t.match(await permissions.updatePermissions({ actorId, actorPermission: { user: 'bob', level: ActorPermissionLevelEnum.Read } }), { result: { jdoe: 'UPDATE', bob: 'READ' } });
  t.match(await permissions.listPermissions({ actorId }), { result: { jdoe: 'UPDATE', bob: 'READ' } });
  t.match(await new ActorsApi(bob).getActor({ actorId }), { result: { id: actorId } });
  t.match(await refusal(new MessagesApi(bob).sendMessage({ actorId, jSONMessage: { message: 'x' as unknown as object } })), { status: 403 });

  // Workers: listed for the owner; sized by an admin (abaco_admin in the roles file) only.
  t.match(await new WorkersApi(jdoe).listWorkers({ actorId }), { result: [{ status: /READY|BUSY/, id: /\w+/ }] });
  t.match(await refusal(new WorkersApi(jdoe).manageWorkerPoolSize({ actorId: resultsActor.id!, inlineObject: { num: 2 } })), { status: 403 });
  t.match(await new WorkersApi(await as('root')).manageWorkerPoolSize({ actorId: resultsActor.id!, inlineObject: { num: 2 } }), { status: 'success' });

  // Search: the generated reader drops the result, so read it raw.
  const search = await new SearchApi(jdoe).searchDatabaseRaw({ searchType: SearchDatabaseSearchTypeEnum.Executions, search: 'COMPLETE', limit: 2 });
  t.match(await search.raw.json(), { status: 'success', result: { search: [{ status: 'COMPLETE' }, { status: 'COMPLETE' }], _metadata: { record_limit: 2, count_returned: 2 } } });

  // An expired or foreign token, and no token at all, are refused.
  const stranger = new Configuration({ basePath: server.url, headers: { 'X-Tapis-Token': await tapisToken((await generateKeyPair('RS256')).privateKey, 'jdoe') } });
  t.match(await refusal(new ActorsApi(stranger).listActors({})), { status: 401, message: 'Invalid JWT.' });
  t.match(await refusal(new ActorsApi(new Configuration({ basePath: server.url })).listActors({})), { status: 401 });

  t.match(await actors.deleteActor({ actorId }), { status: 'success' });
  t.match(await refusal(actors.getActor({ actorId })), { status: 404 });
});

t.test('abaco serve refuses Tapis settings it cannot use, saying why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-tapis-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { publicKey } = await generateKeyPair('RS256');
  writeFileSync(join(dir, 'tacc.pem'), await exportSPKI(publicKey));
  writeFileSync(join(dir, 'roles.json'), JSON.stringify({ 'root@tacc': ['abaco_root'] }));
  /** What abaco serve printed when it refused to start, its lines joined. */
  const refused = async (args: string[]) => {
    const started = await startServe(['--runtime', 'process', ...args], dir).catch((e: Error) => e.message.replace(/\s+/g, ' '));
    if (typeof started === 'string') return started;
    await started.stop();
    return 'it started';
  };
  t.match(await refused(['--tapis-issuer', ISSUER]), /--tapis-issuer and --tapis-roles need a --tapis-key or --tapis-jwks-url/);
  t.match(await refused(['--tapis-key', 'tacc.pem', '--tapis-key', './tacc.pem']), /--tapis-key: the value for any tenant is given twice/);
  t.match(await refused(['--tapis-key', 'tacc=tacc.pem', '--tapis-roles', 'roles.json']), /roles file, entry "root@tacc": unknown role "abaco_root"/);
});
