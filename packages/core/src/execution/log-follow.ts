import type { Identity } from '../auth/identity.js';
import { topics, type Bus } from '../bus/bus.js';
import type { EngineContext } from '../engine/context.js';
import { AbacoError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import { keys } from '../store/keys.js';
import type { ExecutionService } from './executions.js';
import { logTopic, type LogAppend, type LogStore } from './logs.js';

/**
 * What a follower of a log is given: pieces of the log in order, then either the execution as it
 * ended, or `gone`: the follower may no longer read it (access withdrawn, nonce deleted) or it no
 * longer exists (its actor was deleted), with the refusal reading it now would get.
 */
export type FollowEvent = { type: 'log'; text: string } | { type: 'end'; execution: Execution } | { type: 'gone'; error: AbacoError };

/**
 * A log being followed: `check` asks again whether the follower may read it (and whether it still
 * exists), and reads the store for anything a lost notification hid; `stop` unsubscribes.
 */
export interface Following {
  check(): Promise<void>;
  stop(): Promise<void>;
}

const ENDED = new Set(['COMPLETE', 'ERROR']);

/**
 * Follows an execution's log as it is written: the log so far, then each flush as the writer tells
 * the bus of it (`logTopic`), then the end when the execution finishes (`topics.finished`). READ on
 * the actor is needed, as for reading the log, and is asked again on each `check`. A follower holds
 * only its two subscriptions and a count of what it sent; a notification lost on the bus is made up
 * by reading the store (at once when a later one shows the gap, else on `check`).
 */
export class LogFollower {
  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: { bus: Bus; logs: LogStore; executions: ExecutionService },
  ) {}

  /** Starts following; `send` gets every event in order, `end` or `gone` last (after which the following stops by itself). */
  async follow(who: Identity, identifier: string, executionId: string, send: (event: FollowEvent) => void): Promise<Following> {
    const { actor } = await this.reach(who, identifier, executionId);
    let sent = 0;
    let ended = false;
    let chain = Promise.resolve();
    const unsubscribe: (() => Promise<void>)[] = [];
    const stop = async () => {
      ended = true;
      await Promise.all(unsubscribe.splice(0).map((off) => off()));
    };
    /** Sends what of `text` (which starts at `offset` in the log, at or before `sent`) was not sent yet. */
    const emit = (text: string, offset = 0) => {
      if (offset + text.length <= sent) return;
      send({ type: 'log', text: text.slice(sent - offset) });
      sent = offset + text.length;
    };
    /**
     * Asks again whether `who` may read the execution, then sends what of its log was not sent, and
     * the end if it ended; if it may not be read any more (or is gone), sends `gone` with the refusal.
     */
    const catchUp = async () => {
      try {
        const { execution } = await this.reach(who, identifier, executionId, actor);
        emit(await this.deps.logs.read(actor, executionId));
        if (ENDED.has(execution.status)) {
          send({ type: 'end', execution });
          await stop();
        }
      } catch (e) {
        if (!(e instanceof AbacoError)) throw e;
        send({ type: 'gone', error: e });
        await stop();
      }
    };
    const queue = (step: () => Promise<void> | void) => {
      chain = chain.then(() => (ended ? undefined : step())).catch((e: Error) => this.ctx.log.warn({ err: e }, 'following a log'));
      return chain;
    };
    const subscribe = async (topic: string, handler: (payload: unknown) => void) => void unsubscribe.push(await this.deps.bus.subscribe(topic, handler));
    try {
      await subscribe(logTopic(actor.dbId, executionId), (payload) =>
        void queue(() => {
          const append = payload as LogAppend;
          if (append.offset + append.length <= sent) return;
          if (append.text === undefined || append.offset > sent) return catchUp();
          emit(append.text, append.offset);
        }),
      );
      await subscribe(topics.finished(actor.dbId, executionId), () => void queue(catchUp));
    } catch (e) {
      await stop();
      throw e;
    }
    await queue(catchUp);
    return { check: () => queue(catchUp), stop };
  }

  /**
   * The actor and execution, if `who` may read them: READ on the actor (asked of the policy), for a
   * nonce the nonce still there (it is redeemed once per request; a stream outlives the request),
   * and, when following, still the actor followed (not another one since given its alias).
   */
  private async reach(who: Identity, identifier: string, executionId: string, followed?: Actor): Promise<{ actor: Actor; execution: Execution }> {
    const reached = await this.deps.executions.get(who, identifier, executionId);
    if (followed && reached.actor.dbId !== followed.dbId) throw new NotFoundError(`Actor with identifier '${identifier}' not found`);
    if (who.nonce && !(await this.ctx.store.get(keys.nonce(who.tenant, who.nonce.id)))) throw new UnauthenticatedError('Nonce does not exist.');
    return reached;
  }
}
