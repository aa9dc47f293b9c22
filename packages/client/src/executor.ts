import type { AbacoClient } from './client.js';
import { AbacoFuture } from './executor-future.js';
import { callMessage, DEFAULT_RESULT_BYTES, MAX_RESULT_BYTES } from './executor-protocol.js';

const CLOSED = 'The executor was closed before the call answered.';

/** The image of the function runner: built by packages/client/runner/build-image.sh, built into the process runtime. */
export const NODE_FUNC_IMAGE = 'abacosamples/node_func';

export interface ExecutorOptions {
  /** The function-runner image (default `abacosamples/node_func`). */
  image?: string;
  /** Use this actor (id or alias) instead of registering one; `close()` then leaves it. */
  actorId?: string;
  /** The most workers (so calls at once) the registered actor may have; setting it needs the privileged role (default: the server's `maxWorkersPerActor`). */
  maxWorkers?: number;
  /** The largest result a call may send back, in bytes of JSON (default 16 MiB, at most 64 MiB); past it the call rejects with a `ResultTooLargeError`. */
  maxResultBytes?: number;
  /** The longest wait between two looks at a running call, in ms (default 250). */
  pollMs?: number;
  /** How long to wait for the actor to be READY, in ms (default 120000). */
  readyTimeoutMs?: number;
}

/** An integer option in [min, max], or the default. */
function integer(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}.`);
  return value;
}

/**
 * Runs JavaScript functions on Abaco: each call is one message to a function-runner actor, run in a
 * fresh Node process inside its container, its JSON return value sent back through the results
 * socket. Upstream's Python `AbacoExecutor`, for Node.
 *
 * A function travels as its source text, with its arguments as JSON. So it must be self-contained:
 * no closure over local variables (only its parameters and globals), no imports from the module it
 * was written in (built-in modules through `require('node:os')` or `await import('node:os')`), and
 * arguments and return value that JSON carries (Dates arrive as strings, `undefined` in arrays as
 * null; Maps, Sets, class instances and functions lose what JSON drops; BigInt is refused). A call's
 * message (source and arguments) is at most 100,000 bytes of JSON. Whoever may send messages to the
 * actor may run code in it.
 *
 * ```ts
 * const executor = await AbacoExecutor.create(client, { maxWorkers: 4 });
 * for await (const square of executor.map((x: number) => x * x, [1, 2, 3])) console.log(square);
 * await executor.close();
 * ```
 */
export class AbacoExecutor {
  private closed = false;
  private readonly running = new Set<AbacoFuture<unknown>>();

  private constructor(
    private readonly client: AbacoClient,
    /** The function-runner actor the calls go to. */
    readonly actorId: string,
    /** Whether this executor registered the actor (and so deletes it on close). */
    readonly owned: boolean,
    private readonly options: { maxResultBytes: number; pollMs: number; maxWorkers: number | undefined },
  ) {}

  /** Registers a function-runner actor (or takes `actorId`) and waits until it is READY. */
  static async create(client: AbacoClient, options: ExecutorOptions = {}): Promise<AbacoExecutor> {
    const settings = {
      maxResultBytes: integer('maxResultBytes', options.maxResultBytes, 1024, MAX_RESULT_BYTES, DEFAULT_RESULT_BYTES),
      pollMs: integer('pollMs', options.pollMs, 10, 60_000, 250),
      maxWorkers: options.maxWorkers === undefined ? undefined : integer('maxWorkers', options.maxWorkers, 1, 10_000, 1),
    };
    const readyTimeoutMs = integer('readyTimeoutMs', options.readyTimeoutMs, 0, 3_600_000, 120_000);
    if (options.actorId !== undefined) {
      const actor = await client.actors.get(options.actorId);
      return new AbacoExecutor(client, actor.id, false, settings);
    }
    const actor = await client.actors.create({
      image: options.image ?? NODE_FUNC_IMAGE,
      name: 'abaco_executor',
      description: 'Function runner of an AbacoExecutor (@abaco/client)',
      stateless: true,
      ...(settings.maxWorkers === undefined ? {} : { maxWorkers: settings.maxWorkers }),
    });
    const executor = new AbacoExecutor(client, actor.id, true, settings);
    try {
      await executor.ready(readyTimeoutMs);
    } catch (e) {
      await client.actors.delete(actor.id).catch(() => {});
      throw e;
    }
    return executor;
  }

  /** Sends one call, `fn(...args)`; answers its future once the server has accepted it. */
  async submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<AbacoFuture<Awaited<R>>> {
    if (this.closed) throw new Error('The executor is closed.');
    const { executionId } = await this.client.messages.sendJson(this.actorId, callMessage(fn, args, this.options.maxResultBytes));
    const future = new AbacoFuture<Awaited<R>>(this.client, this.actorId, executionId, this.options);
    if (this.closed) future.abandon(CLOSED); // closed while the message was on its way
    this.running.add(future);
    const forget = () => this.running.delete(future);
    future.result().then(forget, forget);
    return future;
  }

  /** Runs `fn(...args)` and answers its return value. */
  async blockingCall<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
    return (await this.submit(fn, ...args)).result();
  }

  /**
   * `fn(input)` for every input, as one call each, at most `concurrency` submitted ahead of the
   * results taken (default twice `maxWorkers`, or 8); yields the return values in input order. The
   * first call that fails throws when its turn comes; the calls still out are then cancelled.
   */
  async *map<I, R>(fn: (input: I) => R, inputs: Iterable<I> | AsyncIterable<I>, { concurrency }: { concurrency?: number } = {}): AsyncGenerator<Awaited<R>, void, undefined> {
    const ahead = integer('concurrency', concurrency, 1, 10_000, 2 * (this.options.maxWorkers ?? 4));
    const window: Promise<AbacoFuture<Awaited<R>>>[] = [];
    const take = async () => (await window.shift()!).result();
    try {
      for await (const input of inputs) {
        const submitted = this.submit(fn, input);
        submitted.catch(() => {}); // awaited in its turn
        window.push(submitted);
        if (window.length >= ahead) yield await take();
      }
      while (window.length > 0) yield await take();
    } finally {
      for (const left of window.splice(0)) left.then((future) => future.cancel()).catch(() => {});
    }
  }

  /**
   * Stops the executor: calls still out reject with a {@link CancelledError}, and the actor it
   * registered is deleted (its workers and running containers go with it). An actor given as
   * `actorId` is left as it is.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const future of this.running) future.abandon(CLOSED);
    if (this.owned) await this.client.actors.delete(this.actorId);
  }

  /** Waits until the actor is READY; an actor in ERROR (its image missing, say) throws its status message. */
  private async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 10; ; delay = Math.min(delay * 1.5, this.options.pollMs)) {
      const actor = await this.client.actors.get(this.actorId);
      if (actor.status === 'READY') return;
      if (actor.status === 'ERROR') throw new Error(`The function-runner actor ${this.actorId} failed: ${actor.statusMessage}`);
      if (Date.now() > deadline) throw new Error(`The function-runner actor ${this.actorId} was not READY after ${timeoutMs} ms (status ${actor.status}).`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
