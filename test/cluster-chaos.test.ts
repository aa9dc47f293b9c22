// Three `abaco serve` nodes on one PostgreSQL (process runtime), ~1,000 messages over HTTP spread
// across their APIs: the leader is killed (-9) mid-run and PostgreSQL restarted mid-run. Every
// accepted message ends as exactly one COMPLETE or ERROR execution, none runs twice (the actors write
// their execution ids), the stateful actor never runs two at once, cron fires at most once per tick
// and goes on under the new leader, and the dead node's workers are replaced.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { freshSchema, url, withPostgres } from '../packages/store-postgres/test/postgres.js';
import { call, startServe, until, type Server } from './serve-helpers.js';

const TOKEN = 'chaos-admin-token';
const MESSAGES = 1000;
/** One message in this many goes to the stateful actor. */
const STATEFUL_EVERY = 4;

t.setTimeout(5 * 60_000);

interface Execution {
  id: string;
  actor?: string;
  status: string;
  message_received_time?: string;
}

/** Restarts the test PostgreSQL in place (same data directory, port and settings: pg_ctl reuses them). */
async function restartPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const dataDir: string = (await client.query('SHOW data_directory')).rows[0].data_directory;
  await client.end();
  const bin = execFileSync('sh', ['-c', 'find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d | sort -V | tail -n 1'], { encoding: 'utf8' }).trim();
  const command = `${bin}/pg_ctl -D ${dataDir} -l ${dirname(dataDir)}/log -m fast -w restart`;
  const asOwner = process.getuid?.() === 0 ? ['su', 'postgres', '-s', '/bin/sh', '-c', command] : ['sh', '-c', command];
  execFileSync(asOwner[0]!, asOwner.slice(1), { stdio: 'ignore' });
}

await withPostgres('three abaco serve nodes, a node killed and PostgreSQL restarted mid-run', () => {
  t.test('chaos: a node killed and PostgreSQL restarted mid-run lose nothing accepted, run nothing twice, and the cluster goes on', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'abaco-chaos-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    const out = join(dir, 'out');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777); // actors run as nobody
    const images = {
      'test/record': ['sh', '-c', `echo "$_abaco_execution_id" >> ${out}/stateless`],
      'test/serial': ['sh', '-c', `echo "start $_abaco_execution_id" >> ${out}/stateful; sleep 0.02; echo "end $_abaco_execution_id" >> ${out}/stateful`],
      'test/cron': ['sh', '-c', `echo "$_abaco_execution_id" >> ${out}/cron`],
    };
    const settings = { heartbeatIntervalMs: 500, healthCheckIntervalMs: 1000, autoscaleIntervalMs: 500, workerPollMs: 200, cronIntervalMs: 1000, leaseTtlMs: 10_000, maxWorkersPerActor: 4 };
    writeFileSync(join(dir, 'abaco.json'), JSON.stringify({ runtime: 'process', adminToken: TOKEN, images, settings }));
    const store = new URL(url!);
    store.searchParams.set('schema', freshSchema());
    const nodes = new Map<string, Server>();
    const start = async (id: string) => {
      const server = await startServe(['--config', 'abaco.json', '--store', store.toString(), '--node-id', id, '--max-workers-per-node', '3'], dir);
      nodes.set(id, server);
      return server;
    };
    t.teardown(() => Promise.all([...nodes.values()].map((n) => (n.child.exitCode === null ? n.stop() : null))));
    const first = await start('node-1');
    t.ok(first.lines.some((line) => line.endsWith('node: node-1 (leader)')), 'the first node leads');
    await start('node-2');
    await start('node-3');

    const create = async (fields: Record<string, string>) => (await call(first.url, TOKEN, 'POST', '/actors/v2', fields)).json.result.id as string;
    const stateless = await create({ image: 'test/record' });
    const stateful = await create({ image: 'test/serial', stateless: 'false' });
    const cron = await create({ image: 'test/cron', stateless: 'false', cronSchedule: '* * * * *', cronOn: 'true' });

    // Senders: 8 at a time, each message to the next live node's API, a refused or failed call tried again on another.
    const accepted = new Map<string, string>(); // execution id -> actor id
    let next = 0;
    let round = 0;
    const live = () => [...nodes.entries()].filter(([, n]) => n.child.exitCode === null && n.child.signalCode === null).map(([, n]) => n);
    const send = async (i: number) => {
      const actor = i % STATEFUL_EVERY === 0 ? stateful : stateless;
      for (let attempt = 0; ; attempt++) {
        const servers = live();
        const server = servers[round++ % servers.length]!;
        try {
          const { status, json } = await call(server.url, TOKEN, 'POST', `/actors/v2/${actor}/messages`, { message: `m${i}` });
          if (status === 200) return accepted.set(json.result.execution_id, actor);
        } catch {
          // the node died or the database is restarting: another try
        }
        if (attempt > 200) throw new Error(`message ${i} was never accepted; the nodes said: ${[...nodes.values()].map((n) => n.stderr().slice(-2000)).join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const sender = async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        await send(i);
        await new Promise((r) => setTimeout(r, 20)); // spread the run over some seconds, so the chaos strikes mid-run
      }
    };
    const sending = Promise.all(Array.from({ length: 8 }, sender));

    await until('a third of the messages to be accepted', async () => accepted.size >= MESSAGES / 3, 60_000);
    const workersOf = async (server: Server, actor: string) => (await call(server.url, TOKEN, 'GET', `/actors/v2/${actor}/workers`)).json.result as { id: string; host_id: string }[];
    const killedAt = Date.now();
    t.equal(await first.stop('SIGKILL'), null, 'the leader is killed (-9) mid-run');
    const survivor = nodes.get('node-2')!;

    await until('two thirds of the messages to be accepted', async () => accepted.size >= (2 * MESSAGES) / 3, 90_000);
    await restartPostgres();
    t.pass('PostgreSQL restarted mid-run');
    await sending;
    t.equal(accepted.size, MESSAGES, 'every message was accepted in the end');
    for (const id of ['node-2', 'node-3']) {
      const { child, stderr } = nodes.get(id)!;
      t.ok(child.exitCode === null && child.signalCode === null, `${id} survived PostgreSQL's restart`, { stderr: stderr().slice(-3000) });
    }

    /** Every execution of an actor (a search with no condition: the summary lists the last 100 only). */
    const executions = async (actor: string) => {
      const { status, json } = await call(survivor.url, TOKEN, 'GET', `/actors/v2/${actor}/executions?limit=1000`);
      return status === 200 ? (json.result.search as Execution[]).map((e) => ({ ...e, actor })) : [];
    };
    const ended = (e: Execution) => e.status === 'COMPLETE' || e.status === 'ERROR';
    let last: Execution[] = [];
    const all = await until(
      'every accepted message to end',
      async () => {
        const list = (last = [...(await executions(stateless)), ...(await executions(stateful))]);
        const done = new Set(list.filter(ended).map((e) => e.id));
        return [...accepted.keys()].every((id) => done.has(id)) && list;
      },
      120_000,
    ).catch(async (e: Error) => {
      // What was left, to tell why.
      const listed = new Set(last.map((x) => x.id));
      const left = [
        ...last.filter((x) => accepted.has(x.id) && !ended(x)).map((x) => `${x.id} ${x.status} ${accepted.get(x.id) === stateful ? 'stateful' : 'stateless'}`),
        ...[...accepted.keys()].filter((id) => !listed.has(id)).map((id) => `${id} not found`),
      ];
      const workers = [...(await workersOf(survivor, stateless)), ...(await workersOf(survivor, stateful))].map((w) => `${w.id} ${w.host_id} ${(w as { status?: string }).status}`);
      const nodesNow = (await call(survivor.url, TOKEN, 'GET', '/actors/v2/admin/nodes')).json.result;
      throw new Error(`${e.message} Not ended: ${left.length} (${left.slice(0, 10).join(', ')}); workers: ${workers.join(', ')}; nodes: ${JSON.stringify(nodesNow)}`);
    });
    const byId = new Map<string, Execution[]>();
    for (const e of all) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
    t.ok([...accepted.keys()].every((id) => byId.get(id)?.length === 1 && ended(byId.get(id)![0]!)), 'every accepted message ended as exactly one COMPLETE or ERROR execution');
    const errors = all.filter((e) => e.status === 'ERROR');
    const reasons = await Promise.all(
      errors.map(async (e) => (await call(survivor.url, TOKEN, 'GET', `/actors/v2/${e.actor}/executions/${e.id}`)).json.result.status_message as string),
    );
    // Lost with the killed node, or with a worker whose final write failed while PostgreSQL restarted (settled by its own node).
    const lost = ['the node running this execution was lost', 'The engine stopped while this execution was running; its container was lost.'];
    t.same([...new Set(reasons)].filter((r) => !lost.includes(r)), [], `the ${errors.length} ERROR ones were running when the chaos struck`);

    const lines = (name: string) => readFileSync(join(out, name), 'utf8').trim().split('\n').filter(Boolean);
    const ranStateless = lines('stateless');
    t.equal(new Set(ranStateless).size, ranStateless.length, 'no stateless execution ran twice');
    const serial = lines('stateful');
    const starts = serial.filter((l) => l.startsWith('start ')).map((l) => l.slice(6));
    t.equal(new Set(starts).size, starts.length, 'no stateful execution ran twice');
    const status = (id: string) => byId.get(id)?.[0]?.status;
    const complete = all.filter((e) => e.status === 'COMPLETE').map((e) => e.id);
    const ranIds = new Set([...ranStateless, ...starts]);
    t.ok(complete.every((id) => ranIds.has(id)), 'every COMPLETE execution ran');
    // Strictly one at a time: each start is followed by its own end, except the start of one the killed node was running.
    let overlap: string | undefined;
    for (let i = 0, open: string | undefined; i < serial.length; i++) {
      const [kind, id] = serial[i]!.split(' ') as [string, string];
      if (kind === 'start') {
        if (open !== undefined && status(open) !== 'ERROR') overlap ??= `${id} started while ${open} ran`;
        open = id;
      } else {
        if (open !== id) overlap ??= `${id} ended while ${open} ran`;
        open = undefined;
      }
    }
    t.equal(overlap, undefined, 'the stateful actor never ran two executions at once');

    const { json } = await call(survivor.url, TOKEN, 'GET', '/actors/v2/admin/nodes');
    const shown: { id: string; alive: boolean; leader: boolean }[] = json.result.nodes;
    t.same(shown.map((n) => [n.id, n.alive]).sort(), [['node-2', true], ['node-3', true]], "the killed node's record was reaped; the others are alive after PostgreSQL's restart");
    t.equal(shown.filter((n) => n.leader).length, 1, 'one of them leads');
    for (const actor of [stateless, stateful]) {
      const workers = await workersOf(survivor, actor);
      t.ok(workers.every((w) => w.host_id !== 'node-1'), "the killed node's workers were removed");
    }
    const { execution_id: after } = (await call(survivor.url, TOKEN, 'POST', `/actors/v2/${stateful}/messages`, { message: 'after' })).json.result;
    await until('a message after the chaos to run', async () => (await executions(stateful)).find((e) => e.id === after)?.status === 'COMPLETE');
    t.ok((await workersOf(survivor, stateful)).every((w) => ['node-2', 'node-3'].includes(w.host_id)), 'the stateful actor has its worker on a live node');

    // Cron: one execution per minute at most, and one at least under the new leader.
    const cronRuns = await until(
      'cron to fire under the new leader',
      async () => {
        const list = (await executions(cron)).filter((e) => Date.parse(e.message_received_time!) > killedAt && ended(e));
        return list.length > 0 && (await executions(cron));
      },
      75_000,
    );
    const minutes = cronRuns.map((e) => e.message_received_time!.slice(0, 16));
    t.equal(new Set(minutes).size, minutes.length, `cron fired at most once per tick (${minutes.join(', ')})`);
    const cronRan = lines('cron');
    t.equal(new Set(cronRan).size, cronRan.length, 'and each cron execution ran once');
  });
});
