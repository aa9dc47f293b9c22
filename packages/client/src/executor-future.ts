import type { AbacoClient } from './client.js';
import { BadRequestError } from './errors.js';
import { CancelledError, NoResultError, RemoteError, ResultFormatError } from './executor-errors.js';
import { maxParts, readOutcome, readPart } from './executor-protocol.js';
import type { ExecutionRecord } from './records.js';

const FINISHED = new Set(['COMPLETE', 'ERROR']);
/** The first wait between two looks at a call; it grows by half each time, up to `pollMs`. */
const FIRST_POLL_MS = 10;

/** How a future reads its call's execution. */
export interface FutureSettings {
  maxResultBytes: number;
  /** The longest wait between two looks at the execution, in ms. */
  pollMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One call submitted to an {@link AbacoExecutor}: its execution, and the value the function returned
 * once it has answered. It watches its execution from the start (polling the results with a backoff
 * from 10 ms up to `pollMs`), so `result()` may be called any time, any number of times.
 */
export class AbacoFuture<T> {
  private cancelled: string | undefined;
  /** Whether the call has answered (a value or an error): its execution may still be ending. */
  private answered = false;
  private readonly outcome: Promise<T>;

  constructor(
    private readonly client: AbacoClient,
    /** The function-runner actor. */
    readonly actorId: string,
    /** The execution running the call. */
    readonly executionId: string,
    private readonly settings: FutureSettings,
  ) {
    this.outcome = this.settle();
    this.outcome.catch(() => {}); // handled by whoever calls result(); nobody may
  }

  /**
   * The function's return value. Rejects with a {@link RemoteError} (the function threw, or its value
   * could not travel), a {@link CancelledError}, a {@link NoResultError} (the execution ended with no
   * result) or a {@link ResultFormatError}.
   */
  result(): Promise<T> {
    return this.outcome;
  }

  /** Whether the call's execution has finished (one request: it never waits). */
  async done(): Promise<boolean> {
    return FINISHED.has((await this.execution()).status);
  }

  /** What the call printed so far (all of it once it has finished). */
  logs(): Promise<string> {
    return this.client.executions.logs(this.actorId, this.executionId);
  }

  /** The call's execution record (status, exit code, times). */
  execution(): Promise<ExecutionRecord> {
    return this.client.executions.get(this.actorId, this.executionId);
  }

  /**
   * Halts the call: `result()` then rejects with a {@link CancelledError}. A call still queued is
   * halted as soon as it starts. Answers false when the call had already finished (its result stands).
   */
  async cancel(): Promise<boolean> {
    for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 1.5, this.settings.pollMs)) {
      const { status } = await this.execution();
      if (this.answered || FINISHED.has(status)) return false;
      if (status === 'RUNNING') {
        this.abandon('The call was cancelled: its execution was halted.');
        try {
          await this.client.executions.halt(this.actorId, this.executionId);
          return true;
        } catch (e) {
          // It finished between the two requests.
          if (e instanceof BadRequestError) return false;
          throw e;
        }
      }
      await sleep(delay);
    }
  }

  /** Gives up on the call (its executor is closing, or it is being halted): `result()` rejects with `reason`. */
  abandon(reason: string): void {
    this.cancelled ??= reason;
  }

  private async settle(): Promise<T> {
    try {
      for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 1.5, this.settings.pollMs)) {
        this.throwIfCancelled();
        const first = await this.nextResult();
        if (first) return await this.assemble(first).finally(() => (this.answered = true));
        await sleep(delay);
      }
    } catch (e) {
      this.throwIfCancelled();
      throw e;
    }
  }

  /**
   * The execution's next result, or undefined while there is none yet; when the execution has
   * finished and none is left, a {@link NoResultError} saying `what` is missing.
   */
  private async nextResult(what = 'a result'): Promise<Uint8Array | undefined> {
    const result = await this.client.executions.result(this.actorId, this.executionId);
    if (result.length > 0) return result;
    const execution = await this.execution();
    if (!FINISHED.has(execution.status)) return undefined;
    const last = await this.client.executions.result(this.actorId, this.executionId);
    if (last.length > 0) return last;
    this.throwIfCancelled();
    const why = execution.statusMessage ? `: ${execution.statusMessage}` : '';
    throw new NoResultError(`Execution ${this.executionId} ended (${execution.status}, exit code ${execution.exitCode ?? 'none'}${why}) without ${what}; see its logs.`, this.executionId);
  }

  /** The outcome whose first part is `first`: its other parts read in order, checked, joined and decoded. */
  private async assemble(first: Uint8Array): Promise<T> {
    const bad = (why: string) => new ResultFormatError(`Execution ${this.executionId} sent ${why}.`, this.executionId);
    const head = readPart(first);
    if (typeof head === 'string') throw bad(head);
    const limit = maxParts(this.settings.maxResultBytes);
    if (head.part !== 1) throw bad(`part ${head.part} first`);
    if (head.parts > limit) throw bad(`a result of ${head.parts} parts, more than the ${limit} that maxResultBytes (${this.settings.maxResultBytes}) allows`);
    const payloads = [head.payload];
    for (let part = 2; part <= head.parts; part++) {
      let datagram: Uint8Array | undefined;
      for (let delay = FIRST_POLL_MS; !(datagram = await this.nextResult(`part ${part} of ${head.parts} of its result`)); delay = Math.min(delay * 1.5, this.settings.pollMs)) await sleep(delay);
      const next = readPart(datagram);
      if (typeof next === 'string') throw bad(next);
      if (next.part !== part || next.parts !== head.parts) throw bad(`part ${next.part} of ${next.parts} where part ${part} of ${head.parts} was due`);
      payloads.push(next.payload);
    }
    const joined = new Uint8Array(payloads.reduce((sum, p) => sum + p.length, 0));
    payloads.reduce((offset, p) => (joined.set(p, offset), offset + p.length), 0);
    const outcome = readOutcome(joined);
    if (typeof outcome === 'string') throw bad(outcome);
    if (!outcome.ok) throw new RemoteError(outcome.error, this.executionId);
    return outcome.value as T;
  }

  private throwIfCancelled(): void {
    if (this.cancelled !== undefined) throw new CancelledError(this.cancelled, this.executionId);
  }
}
