import type { Logger } from 'pino';
import type { Execution, ExecutionStatus } from '../model/execution.js';
import { activityOps } from '../execution/activity.js';
import { keys } from '../store/keys.js';
import { WithWrites, type BatchOp, type Counts, type Store } from '../store/store.js';
import { Tally } from '../store/tally.js';

/**
 * What is kept of executions besides their records: their search index and their actor's tally.
 * Each execution has two index entries, whose keys alone say what search
 * needs to find, count and order it (the value is a placeholder):
 * - by status across the tenant: `t/<tenant>/xs/<status>/<messageReceivedTime>/<actorId>/<id>`;
 * - by actor, then status: `t/<tenant>/xa/<actorId>/<status>/<messageReceivedTime>/<id>`.
 * Each actor has a tally (store/tally.ts) of its executions: how many, in all and by status, and the
 * sums of their CPU, IO and runtime. Entries and tally are written in the same atomic batch as the
 * execution record: whoever writes an execution writes `changeOps(before, after)` (index, tally and
 * activity counters; or returns `withIndex` from a store update) with it. Receive
 * times are as the engine writes them (`toISOString`), so their order as text is their order in time.
 */

/** Every status an execution goes through. */
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['SUBMITTED', 'RUNNING', 'COMPLETE', 'ERROR'];

/** What an index entry tells of its execution. */
export interface IndexedExecution {
  tenant: string;
  actorId: string;
  id: string;
  status: string;
  messageReceivedTime: string;
}

/** The fields of an execution an index entry holds: conditions on these are answered without the record. */
export const INDEXED_FIELDS: ReadonlySet<string> = new Set(['tenant', 'actorId', 'id', 'status', 'messageReceivedTime']);

/** The layout of the index and tallies; a store built with another (or none) has them built again at start. */
const VERSION = 2;
/** Writes per batch while building or clearing. */
const CHUNK = 1000;

function entryKeys(e: Execution): string[] {
  return [
    `${keys.executionsByStatus(e.tenant)}${e.status}/${e.messageReceivedTime}/${e.actorId}/${e.id}`,
    `${keys.executionsOfActorByStatus(e.tenant, e.actorId)}${e.status}/${e.messageReceivedTime}/${e.id}`,
  ];
}

/** The name of the tally of an actor's executions. */
export const executionTally = (tenant: string, actorId: string): string => `executions/${tenant}/${actorId}`;

/** The tally of an actor's executions (see `indexOps`). */
export function readExecutionTally(store: Store, actor: { tenant: string; id: string }): Promise<Counts> {
  return new Tally(store).read(executionTally(actor.tenant, actor.id));
}

/**
 * The writes that go with an execution's change from `before` to `after` (undefined: it did not
 * exist / is removed): its index entries and its actor's tally. Write them in the same batch as the record.
 */
export function indexOps(before: Execution | undefined, after: Execution | undefined): BatchOp[] {
  const old = before ? entryKeys(before) : [];
  const now = after ? entryKeys(after) : [];
  return [
    ...old.filter((key) => !now.includes(key)).map((key): BatchOp => ({ type: 'del', key })),
    ...now.filter((key) => !old.includes(key)).map((key): BatchOp => ({ type: 'put', key, value: 1 })),
    ...tallyOps(before, after),
  ];
}

function tallyOps(before: Execution | undefined, after: Execution | undefined): BatchOp[] {
  const delta: Counts = {};
  const count = (e: Execution | undefined, sign: number) => {
    if (!e) return;
    for (const [field, n] of [['executions', 1], [e.status, 1], ['cpu', e.cpu], ['io', e.io], ['runtime', e.runtime]] as const) {
      delta[field] = (delta[field] ?? 0) + sign * (n ?? 0);
    }
  };
  count(before, -1);
  count(after, 1);
  const e = (after ?? before)!;
  return Tally.deltaOps(executionTally(e.tenant, e.actorId), delta);
}

/**
 * Every write that goes with an execution's change from `before` to `after` beside its record: its
 * index entries and tally (`indexOps`) and its activity counters (execution/activity.ts). Not
 * `indexOps` alone, which building the index replays over executions already counted in activity.
 */
export function changeOps(before: Execution | undefined, after: Execution | undefined): BatchOp[] {
  return [...indexOps(before, after), ...activityOps(before, after)];
}

/** For `store.update` of an execution: the new record with the writes that go with its change. */
export function withIndex(before: Execution, after: Execution): WithWrites<Execution> {
  return new WithWrites(after, changeOps(before, after));
}

/** What the key of an entry (of either layout) tells. Searches read many: cut by position, not split. */
export function readEntry(key: string): IndexedExecution {
  const cuts = [1];
  for (let i = 0; i < 5; i++) cuts.push(key.indexOf('/', cuts[i]! + 1));
  const part = (i: number) => key.slice(cuts[i]! + 1, cuts[i + 1]);
  const [tenant, a, b, c, id] = [part(0), part(2), part(3), part(4), key.slice(cuts[5]! + 1)];
  return part(1) === 'xs' ? { tenant, status: a, messageReceivedTime: b, actorId: c, id } : { tenant, actorId: a, status: b, messageReceivedTime: c, id };
}

/**
 * A read of the index one status after another (each read its own snapshot) meets an execution
 * whose status changes between two of them twice: in its old status and in its new one. Statuses
 * are read in the order executions go through them (`EXECUTION_STATUSES`), so the answer of this
 * filter lets the first sighting of each execution through, and drops the next.
 */
export function firstSightings(): (entry: IndexedExecution) => boolean {
  const moving = new Set<string>();
  return (entry) => {
    const key = `${entry.actorId}/${entry.id}`;
    if (moving.has(key)) return false;
    if (entry.status === 'SUBMITTED' || entry.status === 'RUNNING') moving.add(key);
    return true;
  };
}

/** Removes the entries and the tally of an actor's executions (when the actor is deleted). */
export async function clearActorIndex(store: Store, tenant: string, actorId: string): Promise<void> {
  await new Tally(store).clear(executionTally(tenant, actorId));
  await clearActorEntries(store, tenant, actorId);
}

/** Removes the index entries of an actor's executions. */
export async function clearActorEntries(store: Store, tenant: string, actorId: string): Promise<void> {
  let ops: BatchOp[] = [];
  for await (const [key] of store.scan(keys.executionsOfActorByStatus(tenant, actorId))) {
    const e = readEntry(key);
    ops.push({ type: 'del', key }, { type: 'del', key: `${keys.executionsByStatus(tenant)}${e.status}/${e.messageReceivedTime}/${actorId}/${e.id}` });
    if (ops.length >= CHUNK) await store.batch(ops.splice(0));
  }
  await store.batch(ops);
}

/**
 * Makes sure the index and the tallies hold every execution: on a store written before they existed
 * (no marker, or another layout), empties them and builds them from the executions of every actor,
 * then sets the marker. Run at engine start, before anything writes executions. Returns how many were indexed.
 */
export async function buildExecutionIndex(store: Store, log?: Logger): Promise<number> {
  if ((await store.get<number>(keys.executionIndexBuilt)) === VERSION) return 0;
  const tenants = new Set<string>();
  let ops: BatchOp[] = [];
  let indexed = 0;
  for await (const [, actor] of store.scan<{ tenant: string; id: string }>(keys.allActors)) {
    if (!tenants.has(actor.tenant)) {
      tenants.add(actor.tenant);
      await store.clear(keys.executionsByStatus(actor.tenant));
    }
    await clearActorIndex(store, actor.tenant, actor.id);
    for await (const [, execution] of store.scan<Execution>(keys.executions(actor.tenant, actor.id))) {
      ops.push(...indexOps(undefined, execution));
      indexed++;
      if (ops.length >= CHUNK) await store.batch(ops.splice(0));
    }
  }
  await store.batch([...ops, { type: 'put', key: keys.executionIndexBuilt, value: VERSION }]);
  if (indexed > 0) log?.info({ indexed }, 'built the search index of executions');
  return indexed;
}
