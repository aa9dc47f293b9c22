import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError } from '../errors.js';
import type { Inbox } from '../inbox/inbox.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import type { Worker } from '../model/worker.js';
import { allowed, authorize, reachActor } from '../registry/access.js';
import { keys } from '../store/keys.js';
import type { BatchOp, Counts } from '../store/store.js';
import { Tally } from '../store/tally.js';

/**
 * Activity figures per minute, for the console's charts: per actor and minute, and per tenant and
 * minute, a tally (store/tally.ts) of messages queued, executions ended by status, and their
 * durations in histogram buckets. The tallies are written with the execution records
 * (`activityOps`), so reading an hour of an actor, or of a whole tenant, is reading at most 60
 * records, whatever the number of executions or actors; each bucket is listed in an expiry index
 * and removed by `sweep` once older than {@link KEEP_MINUTES}.
 */

/** Upper bounds (ms) of the duration buckets; the last bucket holds the longer ones. */
export const DURATION_BOUNDS_MS = [100, 1_000, 10_000, 60_000, 600_000] as const;
/** The labels of the duration buckets, in order. */
export const DURATION_LABELS = ['<0.1s', '<1s', '<10s', '<1m', '<10m', '≥10m'] as const;
/** The most minutes a read covers. */
export const MAX_MINUTES = 60;
/** How many actors a read lists when not told (`limit`), and the most it lists. */
export const ACTIVITY_PAGE = { default: 50, max: 200 } as const;
/** How long a minute's tally is kept. */
const KEEP_MINUTES = 2 * MAX_MINUTES;

const ENDED = new Set(['COMPLETE', 'ERROR']);

/** The minute of an ISO time, as `YYYY-MM-DDTHH:MM` (its order as text is its order in time). */
const minuteOf = (iso: string): string => iso.slice(0, 16);

/** The last minute whose expiry time was worked out, and that time (every message of a minute asks for it). */
let lastExpiry = { minute: '', expires: '' };

/** When the tallies of `minute` expire. */
function expiryOf(minute: string): string {
  if (lastExpiry.minute !== minute) lastExpiry = { minute, expires: new Date(Date.parse(`${minute}:00Z`) + KEEP_MINUTES * 60_000).toISOString() };
  return lastExpiry.expires;
}

/** The writes adding `delta` to the minute of `at`: the actor's tally and the tenant's, each listed for expiry. */
function bucketOps(e: Execution, at: string, delta: Counts): BatchOp[] {
  const minute = minuteOf(at);
  const expires = expiryOf(minute);
  return [keys.actorActivity(e.tenant, e.actorId, minute), keys.tenantActivity(e.tenant, minute)].flatMap((name) => [
    ...Tally.deltaOps(name, delta),
    { type: 'put' as const, key: keys.activityExpiry(expires, name), value: name },
  ]);
}

/**
 * The tally writes that go with an execution's change from `before` to `after` (undefined: it did
 * not exist / is removed): a message queued when it appears, its status and duration when it ends.
 * Write them in the same batch as the record.
 */
export function activityOps(before: Execution | undefined, after: Execution | undefined): BatchOp[] {
  if (!after) return [];
  const ops: BatchOp[] = before ? [] : bucketOps(after, after.messageReceivedTime, { queued: 1 });
  if (ENDED.has(after.status) && !(before && ENDED.has(before.status)) && after.finishTime) {
    const delta: Counts = { [after.status]: 1 };
    if (after.startTime) {
      const ms = Date.parse(after.finishTime) - Date.parse(after.startTime);
      const bucket = DURATION_BOUNDS_MS.findIndex((bound) => ms < bound);
      delta[`d${bucket === -1 ? DURATION_BOUNDS_MS.length : bucket}`] = 1;
    }
    ops.push(...bucketOps(after, after.finishTime, delta));
  }
  return ops;
}

/** One series per figure, a number per minute (oldest first), and the duration histogram over the span. */
export interface ActivitySeries {
  queued: number[];
  complete: number[];
  error: number[];
  durations: number[];
}

/** An actor's activity, with its queue and workers now. */
export interface ActorActivity extends ActivitySeries {
  id: string;
  name: string;
  status: string;
  /** Messages waiting in its inbox. */
  messages: number;
  /** Its workers by status. */
  workers: Record<string, number>;
}

/** What `ActivityStats.read` answers. */
export interface Activity {
  minutes: number;
  /** The first minute of the series (ISO time). */
  start: string;
  durationBuckets: readonly string[];
  /**
   * The series over what `covers` says: `actor` (one actor asked for), `tenant` (an admin: every
   * actor of the tenant, from the tenant's tallies) or `page` (the sum over `actors`).
   */
  overall: ActivitySeries & { covers: 'actor' | 'tenant' | 'page' };
  /** The actors listed: `skip` and `limit` as asked, `total` the actors there are to list. */
  page: { skip: number; limit: number; total: number };
  /** A page of the actors (in id order), each with its activity, queue and workers. */
  actors: ActorActivity[];
}

/**
 * Reads the activity tallies: of one actor (READ on it), or of a page of the actors the caller may
 * read (`limit`, default {@link ACTIVITY_PAGE}.default, at most {@link ACTIVITY_PAGE}.max; `skip`).
 * The work done is bounded by the page, whatever the number of actors: for each actor listed, its
 * tallies, workers and queue; for `overall`, the tenant's tallies (an admin) or the page's sum.
 */
export class ActivityStats {
  constructor(
    private readonly ctx: EngineContext,
    private readonly inbox: Inbox,
  ) {}

  async read(who: Identity, options: { actor?: string; minutes?: unknown; limit?: unknown; skip?: unknown }): Promise<Activity> {
    await authorize(this.ctx, who, 'actors.stats', { kind: 'tenant' });
    const minutes = integer('minutes', options.minutes, 1, MAX_MINUTES, MAX_MINUTES);
    const limit = integer('limit', options.limit, 1, ACTIVITY_PAGE.max, ACTIVITY_PAGE.default);
    const skip = integer('skip', options.skip, 0, Infinity, 0);
    const now = Date.parse(`${minuteOf(this.ctx.now().toISOString())}:00Z`);
    const span = Array.from({ length: minutes }, (_, i) => minuteOf(new Date(now - (minutes - 1 - i) * 60_000).toISOString()));
    const head = { minutes, start: `${span[0]}:00.000Z`, durationBuckets: DURATION_LABELS };
    if (options.actor !== undefined) {
      const report = await this.actorActivity((await reachActor(this.ctx, who, options.actor, 'executions.read')).actor, span);
      const { queued, complete, error, durations } = report;
      return { ...head, overall: { queued, complete, error, durations, covers: 'actor' }, page: { skip: 0, limit: 1, total: 1 }, actors: [report] };
    }
    const { actors, total } = await this.readable(who, skip, limit);
    const reports = await Promise.all(actors.map((actor) => this.actorActivity(actor, span)));
    if (await allowed(this.ctx, who, 'tenant.admin', { kind: 'tenant' })) {
      const overall = await this.series(keys.tenantActivities(who.tenant), span);
      return { ...head, overall: { ...overall, covers: 'tenant' }, page: { skip, limit, total }, actors: reports };
    }
    const overall = emptySeries(minutes);
    for (const report of reports) for (const field of ['queued', 'complete', 'error', 'durations'] as const) report[field].forEach((n, i) => (overall[field][i]! += n));
    return { ...head, overall: { ...overall, covers: 'page' }, page: { skip, limit, total }, actors: reports };
  }

  /** Removes the tallies of minutes past keeping; returns how many. */
  async sweep(): Promise<number> {
    const now = this.ctx.now().toISOString();
    const ops: BatchOp[] = [];
    for await (const [key, name] of this.ctx.store.scan<string>(keys.activityExpiries)) {
      if (key.slice(keys.activityExpiries.length, keys.activityExpiries.length + now.length) > now) break;
      ops.push({ type: 'del', key }, { type: 'del', key: keys.tally(name) });
    }
    await this.ctx.store.batch(ops);
    return ops.length / 2;
  }

  /** The page `skip`, `limit` of the actors of the tenant `who` may read executions of (in id order), and how many there are. */
  private async readable(who: Identity, skip: number, limit: number): Promise<{ actors: Actor[]; total: number }> {
    const actors: Actor[] = [];
    let total = 0;
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(who.tenant))) {
      if (!(await allowed(this.ctx, who, 'executions.read', { kind: 'actor', actor, alias: null }))) continue;
      if (total >= skip && actors.length < limit) actors.push(actor);
      total++;
    }
    return { actors, total };
  }

  /** The series of the tallies named `prefix<minute>` over `span` (at most one read per minute). */
  private async series(prefix: string, span: string[]): Promise<ActivitySeries> {
    const series = emptySeries(span.length);
    const from = keys.tally(prefix);
    for await (const [key, counts] of this.ctx.store.scan<Counts>(from, { reverse: true, limit: span.length })) {
      const i = span.indexOf(key.slice(from.length));
      if (i === -1) continue;
      series.queued[i] = counts.queued ?? 0;
      series.complete[i] = counts.COMPLETE ?? 0;
      series.error[i] = counts.ERROR ?? 0;
      series.durations.forEach((_, b) => (series.durations[b]! += counts[`d${b}`] ?? 0));
    }
    return series;
  }

  private async actorActivity(actor: Actor, span: string[]): Promise<ActorActivity> {
    const series = await this.series(keys.actorActivities(actor.tenant, actor.id), span);
    const workers: Record<string, number> = {};
    for await (const [, worker] of this.ctx.store.scan<Worker>(keys.workers(actor.tenant, actor.id))) workers[worker.status] = (workers[worker.status] ?? 0) + 1;
    return { id: actor.id, name: actor.name ?? '', status: actor.status, messages: await this.inbox.length(actor.dbId), workers, ...series };
  }
}

/** A whole number from a query parameter, from `min` to `max`; `fallback` when not given. */
function integer(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new BadRequestError(`${name} must be an integer ${Number.isFinite(max) ? `from ${min} to ${max}` : `of ${min} or more`}.`);
  return n;
}

function emptySeries(minutes: number): ActivitySeries {
  const zeros = (n: number) => Array.from({ length: n }, () => 0);
  return { queued: zeros(minutes), complete: zeros(minutes), error: zeros(minutes), durations: zeros(DURATION_LABELS.length) };
}
