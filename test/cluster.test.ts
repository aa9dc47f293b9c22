// Two `abaco serve` nodes on one PostgreSQL (process runtime): what one accepts, the cluster runs
// once; each node settles only its own workers; one leader.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freshSchema, url, withPostgres } from '../packages/store-postgres/test/postgres.js';
import { ABACO_BIN, call, startServe, until } from './serve-helpers.js';

const TOKEN = 'cluster-admin-token';

/** What `abaco nodes list` prints for a server. */
const nodesList = (url: string) => execFileSync(process.execPath, [ABACO_BIN, 'nodes', 'list', '--url', url, '--token', TOKEN], { encoding: 'utf8' });

t.test('abaco serve without --store is one node, the leader, on its embedded store; a restart replaces its record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-node-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ runtime: 'process', adminToken: TOKEN }));
  for (const run of ['first run', 'after a restart']) {
    const server = await startServe(['--config', 'abaco.json'], dir);
    const { nodes, leader } = (await call(server.url, TOKEN, 'GET', '/actors/v2/admin/nodes')).json.result;
    t.same(nodes.map((n: { id: string; leader: boolean; alive: boolean }) => [n.id, n.leader, n.alive]), [[`${hostname()}:pid${server.child.pid}`, true, true]], `${run}: its id is the host name and (on a port the system chose) the process id`);
    t.equal(leader, nodes[0].id);
    t.match(nodesList(server.url), new RegExp(`^ID +LEADER +ALIVE +HEARTBEAT +CAPACITY +WORKERS +RUNTIME +HOST IP +STARTED\\n${nodes[0].id.replace(/[.]/g, '\\.')} +yes +yes +\\d+ seconds? ago +\\d+ +0 +process `), 'abaco nodes list shows it');
    t.equal(await server.stop(), 0);
  }
});

await withPostgres('abaco serve --store postgres://...', () => {
  t.test('two nodes on one PostgreSQL: a node starting leaves the other\'s running execution alone, messages sent to one node run once each, one leader', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'abaco-cluster-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    // Actors run as nobody: they reach a folder of their own to write in.
    chmodSync(dir, 0o755);
    const out = join(dir, 'out');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);
    const images = {
      'test/record': ['sh', '-c', `echo "$_abaco_execution_id" >> ${out}/ran`],
      'test/hold': ['sh', '-c', `while [ ! -e ${out}/go ]; do sleep 0.05; done; echo released`],
    };
    // heartbeats a second apart: a node is taken for lost after three missed, which a busy machine never causes
    const settings = { heartbeatIntervalMs: 1000, healthCheckIntervalMs: 200, autoscaleIntervalMs: 200, workerPollMs: 200 };
    writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ runtime: 'process', adminToken: TOKEN, images, settings }));
    const schema = freshSchema();
    const store = new URL(url!);
    store.searchParams.set('schema', schema);
    const shown = `${new URL(url!).toString()} (schema ${schema})`;
    const node = (id: string, storeFrom: 'flag' | 'env' = 'flag') =>
      storeFrom === 'flag' ? startServe(['--config', 'abaco.json', '--store', store.toString(), '--node-id', id], dir) : startServe(['--config', 'abaco.json', '--node-id', id], dir, { ABACO_STORE: store.toString() });

    const a = await node('node-a');
    t.teardown(() => a.stop());
    t.ok(a.lines.includes(`store: ${shown}; node: node-a (leader)`), 'the first node leads');
    const held = (await call(a.url, TOKEN, 'POST', '/actors/v2', { image: 'test/hold', stateless: 'false' })).json.result;
    const holdId = (await call(a.url, TOKEN, 'POST', `/actors/v2/${held.id}/messages`, { message: 'hold' })).json.result.execution_id;
    const execution = (url: string) => call(url, TOKEN, 'GET', `/actors/v2/${held.id}/executions/${holdId}`).then((r) => r.json.result);
    await until('the held execution to run on node A', async () => (await execution(a.url)).status === 'RUNNING');

    const b = await node('node-b', 'env');
    t.teardown(() => b.stop());
    t.ok(b.lines.includes(`store: ${shown}; node: node-b`), 'the second does not');
    await new Promise((r) => setTimeout(r, 1000)); // several health passes of node B
    t.equal((await execution(b.url)).status, 'RUNNING', "node B's start and health passes left node A's execution running");
    const holders = (await call(b.url, TOKEN, 'GET', `/actors/v2/${held.id}/workers`)).json.result;
    t.same(holders.map((w: { host_id: string; status: string }) => [w.host_id, w.status]), [['node-a', 'BUSY']], "and node A's worker");
    writeFileSync(join(out, 'go'), '');
    const released = await until('the held execution to end', async () => {
      const e = await execution(b.url);
      return (e.status === 'COMPLETE' || e.status === 'ERROR') && e;
    });
    t.equal(released.status, 'COMPLETE');
    t.equal((await call(a.url, TOKEN, 'GET', `/actors/v2/${held.id}/executions/${holdId}/logs`)).json.result.logs, 'released\n');

    const recorder = (await call(a.url, TOKEN, 'POST', '/actors/v2', { image: 'test/record' })).json.result;
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = await call(b.url, TOKEN, 'POST', `/actors/v2/${recorder.id}/messages`, { message: `m${i}` });
      t.equal(answer.status, 200);
      sent.push(answer.json.result.execution_id);
    }
    const executions = await until('every message to end', async () => {
      const list: { id: string; status: string }[] = (await call(a.url, TOKEN, 'GET', `/actors/v2/${recorder.id}/executions`)).json.result.executions;
      return list.length === sent.length && list.every((e) => e.status === 'COMPLETE' || e.status === 'ERROR') && list;
    });
    t.same(executions.map((e) => e.id).sort(), [...sent].sort(), 'one execution per message');
    t.ok(executions.every((e) => e.status === 'COMPLETE'), 'each COMPLETE');
    const ran = readFileSync(join(out, 'ran'), 'utf8').trim().split('\n');
    t.same([...ran].sort(), [...sent].sort(), 'each ran exactly once');

    const workers: { host_id: string }[] = (await call(a.url, TOKEN, 'GET', `/actors/v2/${recorder.id}/workers`)).json.result;
    t.ok(workers.length > 0 && workers.every((w) => ['node-a', 'node-b'].includes(w.host_id)), 'workers belong to the nodes');
    for (const server of [a, b]) {
      const { status, json } = await call(server.url, TOKEN, 'GET', '/actors/v2/admin/nodes');
      t.equal(status, 200);
      const nodes: { id: string; leader: boolean; alive: boolean; capacity: number; runtime: string; workers: number }[] = json.result.nodes;
      t.same(nodes.map((n) => [n.id, n.alive, n.runtime]), [['node-a', true, 'process'], ['node-b', true, 'process']], 'both nodes, alive');
      t.same(nodes.filter((n) => n.leader).map((n) => n.id), ['node-a'], 'exactly one leader');
      t.equal(json.result.leader, 'node-a');
      t.ok(nodes.every((n) => n.capacity > 0));
    }
    t.equal((await call(b.url, 'not-a-token', 'GET', '/actors/v2/admin/nodes')).status, 401);
    await t.rejects(
      startServe(['--config', 'abaco.json', '--store', store.toString(), '--node-id', 'node-c', '--data-dir', 'elsewhere'], dir),
      /This node's secret key\s+\(\S+elsewhere\/secret\.key\) is not the one the\s+other\s+nodes of this store use/,
      'a node whose secret key differs from the cluster\'s is refused',
    );

    t.equal(await a.stop(), 0, 'the leader stops cleanly');
    const taken = await until('node B to lead', async () => {
      const { nodes } = (await call(b.url, TOKEN, 'GET', '/actors/v2/admin/nodes')).json.result;
      return nodes.length === 1 && nodes[0].leader && nodes;
    });
    t.same(taken.map((n: { id: string }) => n.id), ['node-b'], 'node B took over the leadership; node A left the list');
    t.notOk(existsSync(join(dir, 'abaco-data', 'store')), 'no embedded store was made');
  });
});
