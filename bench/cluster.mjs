// Cluster throughput: message intake and completed executions per second with 1, 2 and 3
// `abaco serve` nodes on one PostgreSQL (process runtime, an actor running `true`), against one
// `abaco serve` on its embedded level store, in the same run. `clients` connections post `messages`
// form messages to one stateless actor, spread over the nodes' APIs in turn; intake is the rate at
// which they are accepted, completion the rate from the first post to the last COMPLETE execution.
// Each node may run 4 workers (--max-workers-per-node 4), the actor up to 4 per node.
// The machine has 2 cores shared by the nodes, PostgreSQL and the clients: more nodes add places
// for workers, not CPUs.
// Usage: ABACO_TEST_POSTGRES_URL=postgres://… node bench/cluster.mjs [messages=2000] [clients=16]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool, request } from 'undici';

const messages = Number(process.argv[2] ?? 2000);
const clients = Number(process.argv[3] ?? 16);
const postgres = process.env.ABACO_TEST_POSTGRES_URL;
if (!postgres) throw new Error('Set ABACO_TEST_POSTGRES_URL (source .ci/postgres.sh start).');
const BIN = fileURLToPath(new URL('../packages/cli/bin/run.js', import.meta.url));
const TOKEN = 'bench-admin-token';
const PER_NODE = 4;

/** Starts `abaco serve` in `dir` with `args`; resolves with its URL once it listens. */
function serve(dir, args) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', 'abaco.json', '--max-workers-per-node', String(PER_NODE), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`abaco serve exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve({ url: m[1], stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))) });
    });
  });
}

async function api(url, method, path, form) {
  const response = await request(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const json = await response.body.json();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${JSON.stringify(json)}`);
  return json.result;
}

/** One configuration: `nodes` nodes on PostgreSQL, or (nodes 0) one node on the embedded level store. */
async function measure(nodes) {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-bench-cluster-'));
  const settings = { maxWorkersPerActor: PER_NODE * Math.max(nodes, 1) };
  writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ runtime: 'process', adminToken: TOKEN, images: { 'bench/true': ['true'] }, settings }));
  const schema = `abaco_bench_${randomBytes(4).toString('hex')}`;
  const store = new URL(postgres);
  store.searchParams.set('schema', schema);
  const servers = [];
  try {
    if (nodes === 0) servers.push(await serve(dir, []));
    for (let i = 1; i <= nodes; i++) servers.push(await serve(dir, ['--store', store.toString(), '--node-id', `bench-${i}`]));
    const actor = (await api(servers[0].url, 'POST', '/actors/v2', { image: 'bench/true' })).id;
    const pools = servers.map((s) => new Pool(s.url, { connections: Math.ceil(clients / servers.length) }));
    const body = new URLSearchParams({ message: 'hello' }).toString();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    let sent = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        while (sent < messages) {
          const n = sent++;
          const { statusCode, body: answer } = await pools[(n + c) % pools.length].request({ method: 'POST', path: `/actors/v2/${actor}/messages`, headers, body });
          await answer.dump();
          if (statusCode !== 200) throw new Error(`status ${statusCode}`);
        }
      }),
    );
    const accepted = performance.now();
    for (;;) {
      const found = await api(servers[0].url, 'GET', `/actors/v2/${actor}/executions?status=COMPLETE&limit=1`);
      if (found._metadata.total_count >= messages) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const completed = performance.now();
    await Promise.all(pools.map((p) => p.close()));
    return { intake: messages / ((accepted - start) / 1000), executions: messages / ((completed - start) / 1000) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
    if (nodes > 0) {
      const client = new pg.Client({ connectionString: postgres });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

console.log(`${messages} messages from ${clients} clients to one stateless actor (process runtime, \`true\`); load average ${loadavg()[0].toFixed(2)}`);
const level = await measure(0);
const row = (label, r) => console.log(`${label.padEnd(28)} intake ${r.intake.toFixed(0).padStart(5)} msg/s (${(r.intake / level.intake).toFixed(2)}×)   completed ${r.executions.toFixed(0).padStart(5)} executions/s (${(r.executions / level.executions).toFixed(2)}×)`);
row('level, one node (baseline)', level);
for (const nodes of [1, 2, 3]) row(`postgres, ${nodes} node${nodes > 1 ? 's' : ''}`, await measure(nodes));
