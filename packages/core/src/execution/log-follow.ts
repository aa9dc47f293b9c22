import type { Identity } from '../auth/identity.js';
import { topics, type Bus } from '../bus/bus.js';
import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';
import { keys } from '../store/keys.js';
import type { ExecutionService } from './executions.js';
import { logTopic, type LogAppend, type LogStore } from './logs.js';

/** What a follower of a log is given: pieces of the log in order, then the execution as it ended. */
export type FollowEvent = { type: 'log'; text: string } | { type: 'end'; execution: Execution };

/** A log being followed: `check` reads the store for anything a lost notification hid; `stop` unsubscribes. */
export interface Following {
  check(): Promise<void>;
  stop(): Promise<void>;
}

const ENDED = new Set(['COMPLETE', 'ERROR']);

/**
 * Follows an execution's log as it is written: the log so far, then each flush as the writer tells
 * the bus of it (`logTopic`), then the end when the execution finishes (`topics.finished`). READ on
 * the actor is needed, as for reading the log. A follower holds only its two subscriptions and a
 * count of what it sent; a notification lost on the bus is made up by reading the store (at once
 * when a later one shows the gap, else on `check`).
 */
export class LogFollower {
  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: { bus: Bus; logs: LogStore; executions: ExecutionService },
  ) {}

  /** Starts following; `send` gets every event in order, `end` last (after which the following stops by itself). */
  async follow(who: Identity, identifier: string, executionId: string, send: (event: FollowEvent) => void): Promise<Following> {
    const { actor } = await this.deps.executions.get(who, identifier, executionId);
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
    /** Reads the log and the execution from the store: sends what was not sent, and the end if it ended. */
    const catchUp = async () => {
      const execution = await this.execution(actor, executionId);
      emit(await this.deps.logs.read(actor, executionId));
      if (execution && ENDED.has(execution.status)) {
        send({ type: 'end', execution });
        await stop();
      }
    };
    const queue = (step: () => Promise<void> | void) => {
      chain = chain.then(() => (ended ? undefined : step())).catch((e: Error) => this.ctx.log.warn({ err: e }, 'following a log'));
      return chain;
    };
    unsubscribe.push(
      await this.deps.bus.subscribe(logTopic(actor.dbId, executionId), (payload) =>
        void queue(() => {
          const append = payload as LogAppend;
          if (append.offset + append.length <= sent) return;
          if (append.text === undefined || append.offset > sent) return catchUp();
          emit(append.text, append.offset);
        }),
      ),
      await this.deps.bus.subscribe(topics.finished(actor.dbId, executionId), () => void queue(catchUp)),
    );
    await queue(catchUp);
    return { check: () => queue(catchUp), stop };
  }

  private execution(actor: Actor, executionId: string): Promise<Execution | undefined> {
    return this.ctx.store.get<Execution>(keys.execution(actor.tenant, actor.id, executionId));
  }
}
