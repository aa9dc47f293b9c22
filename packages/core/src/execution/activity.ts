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
 * Activity figures per minute, for the console's charts: per actor and minute, a tally (store/tally.ts)
 * of messages queued, executions ended by status, and their durations in histogram buckets. The
 * tallies are written with the execution records (`activityOps`), so reading an hour of an actor is
 * reading at most 60 records, whatever the number of executions; each bucket is listed in an expiry
 * index (`aexp/<time>/<tally name>`) and removed by `sweep` once older than {@link KEEP_MINUTES}.
 */

/** Upper bounds (ms) of the duration buckets; the last bucket holds the longer ones. */
export const DURATION_BOUNDS_MS = [100, 1_000, 10_000, 60_000, 600_000] as const;
/** The labels of the duration buckets, in order. */
export const DURATION_LABELS = ['<0.1s', '<1s', '<10s', '<1m', '<10m', '≥10m'] as const;
/** The most minutes a read covers. */
export const MAX_MINUTES = 60;
/** How long a minute's tally is kept. */
const KEEP_MINUTES = 2 * MAX_MINUTES;
const EXPIRY_INDEX = 'aexp/';

const ENDED = new Set(['COMPLETE', 'ERROR']);

/** The minute of an ISO time, as `YYYY-MM-DDTHH:MM` (its order as text is its order in time). */
const minuteOf = (iso: string): string => iso.slice(0, 16);
const actorPrefix = (tenant: string, actorId: string) => `activity/${tenant}/${actorId}/`;

function bucketOps(e: Execution, at: string, delta: Counts): BatchOp[] {
  const name = `${actorPrefix(e.tenant, e.actorId)}${minuteOf(at)}`;
  const expires = new Date(Date.parse(`${minuteOf(at)}:00Z`) + KEEP_MINUTES * 60_000).toISOString();
  return [...Tally.deltaOps(name, delta), { type: 'put', key: `${EXPIRY_INDEX}${expires}/${name}`, value: name }];
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
  /** The sum over `actors`. */
  overall: ActivitySeries & { messages: number; workers: number };
  actors: ActorActivity[];
}

/** Reads the activity tallies: of one actor (READ on it), or of every actor the caller may read. */
export class ActivityStats {
  constructor(
    private readonly ctx: EngineContext,
    private readonly inbox: Inbox,
  ) {}

  async read(who: Identity, options: { actor?: string; minutes?: unknown }): Promise<Activity> {
    await authorize(this.ctx, who, 'actors.stats', { kind: 'tenant' });
    const minutes = options.minutes === undefined ? MAX_MINUTES : Number(options.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) throw new BadRequestError(`minutes must be an integer from 1 to ${MAX_MINUTES}.`);
    const actors = options.actor !== undefined ? [(await reachActor(this.ctx, who, options.actor, 'executions.read')).actor] : await this.readable(who);
    const now = Date.parse(`${minuteOf(this.ctx.now().toISOString())}:00Z`);
    const span = Array.from({ length: minutes }, (_, i) => minuteOf(new Date(now - (minutes - 1 - i) * 60_000).toISOString()));
    const reports = await Promise.all(actors.map((actor) => this.actorActivity(actor, span)));
    const overall = { ...emptySeries(minutes), messages: 0, workers: 0 };
    for (const report of reports) {
      for (const field of ['queued', 'complete', 'error', 'durations'] as const) report[field].forEach((n, i) => (overall[field][i]! += n));
      overall.messages += report.messages;
      overall.workers += Object.values(report.workers).reduce((a, b) => a + b, 0);
    }
    return { minutes, start: `${span[0]}:00.000Z`, durationBuckets: DURATION_LABELS, overall, actors: reports };
  }

  /** Removes the tallies of minutes past keeping; returns how many. */
  async sweep(): Promise<number> {
    const now = this.ctx.now().toISOString();
    const ops: BatchOp[] = [];
    for await (const [key, name] of this.ctx.store.scan<string>(EXPIRY_INDEX)) {
      if (key.slice(EXPIRY_INDEX.length, EXPIRY_INDEX.length + now.length) > now) break;
      ops.push({ type: 'del', key }, { type: 'del', key: keys.tally(name) });
    }
    await this.ctx.store.batch(ops);
    return ops.length / 2;
  }

  private async readable(who: Identity): Promise<Actor[]> {
    const actors: Actor[] = [];
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(who.tenant))) {
      if (await allowed(this.ctx, who, 'executions.read', { kind: 'actor', actor, alias: null })) actors.push(actor);
    }
    return actors;
  }

  private async actorActivity(actor: Actor, span: string[]): Promise<ActorActivity> {
    const series = emptySeries(span.length);
    const prefix = keys.tally(actorPrefix(actor.tenant, actor.id));
    for await (const [key, counts] of this.ctx.store.scan<Counts>(prefix, { reverse: true, limit: span.length })) {
      const i = span.indexOf(key.slice(prefix.length));
      if (i === -1) continue;
      series.queued[i] = counts.queued ?? 0;
      series.complete[i] = counts.COMPLETE ?? 0;
      series.error[i] = counts.ERROR ?? 0;
      series.durations.forEach((_, b) => (series.durations[b]! += counts[`d${b}`] ?? 0));
    }
    const workers: Record<string, number> = {};
    for await (const [, worker] of this.ctx.store.scan<Worker>(keys.workers(actor.tenant, actor.id))) workers[worker.status] = (workers[worker.status] ?? 0) + 1;
    return { id: actor.id, name: actor.name ?? '', status: actor.status, messages: await this.inbox.length(actor.dbId), workers, ...series };
  }
}

function emptySeries(minutes: number): ActivitySeries {
  const zeros = (n: number) => Array.from({ length: n }, () => 0);
  return { queued: zeros(minutes), complete: zeros(minutes), error: zeros(minutes), durations: zeros(DURATION_LABELS.length) };
}
