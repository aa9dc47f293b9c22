import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { HelperProcess } from '../runtime/helper-process.js';

const SCRIPT = fileURLToPath(new URL('../../assets/abaco_io.py', import.meta.url));

type Waiter = { resolve: () => void; reject: (e: Error) => void };

/** The numeric `[uid, gid]` of a container's user; null when it is not known (the image's user, or a name). */
export type FileOwner = [number, number] | null;

/** The owner for a `uid:gid` (or `uid`) user spec: null when the user is unset or not numeric. */
export function fileOwner(user: string | undefined): FileOwner {
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  return m ? [Number(m[1]), Number(m[2] ?? m[1])] : null;
}

/**
 * Drives the execution I/O helper (`assets/abaco_io.py`, run with python3): the results socket of
 * each execution (a Unix datagram socket, which Node cannot open) and the FIFO of binary messages
 * (which Node cannot make). One helper process serves the whole engine. Each socket and FIFO
 * belongs to the user the container runs as, mode 0600 (see `give` in the helper for when that
 * user is not known).
 */
export class IoRelay {
  private readonly helper: HelperProcess;
  private readonly waiters = new Map<string, Waiter>();
  private readonly onResult = new Map<string, (data: Buffer) => void>();

  constructor(
    private readonly log: Logger,
    python = process.env.ABACO_PYTHON ?? 'python3',
  ) {
    this.helper = new HelperProcess({
      script: SCRIPT,
      python,
      what: 'The execution I/O helper',
      needs: 'Results and binary messages need python3.',
      onFrame: (kind, id, payload) => this.dispatch(kind, id, payload),
      onFail: (error) => this.fail(error),
      onStderr: (text) => this.log.warn({ helper: text }, 'execution I/O helper'),
    });
  }

  /** Binds the results socket of an execution at `path`, for `owner`; each datagram goes to `onResult`. */
  async openResults(id: string, path: string, owner: FileOwner, onResult: (data: Buffer) => void): Promise<void> {
    this.onResult.set(id, onResult);
    await this.request(`bound ${id}`, { cmd: 'results', id, path, owner });
  }

  /** Receives what is still waiting on the socket, then closes and removes it. */
  async closeResults(id: string): Promise<void> {
    await this.request(`closed ${id}`, { cmd: 'close', id });
    this.onResult.delete(id);
  }

  /** Makes the FIFO at `path`, for `owner`, that yields the bytes of `source` to the first reader. */
  async openFifo(id: string, path: string, source: string, owner: FileOwner): Promise<void> {
    await this.request(`fifo-ready ${id}`, { cmd: 'fifo', id, path, source, owner });
  }

  /** Removes a FIFO, whether or not it was read. */
  closeFifo(id: string): void {
    this.helper.send({ cmd: 'unfifo', id });
  }

  async close(): Promise<void> {
    await this.helper.close();
  }

  private request(answer: string, command: Command): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.set(answer, { resolve, reject });
      const id = answer.split(' ')[1]!;
      this.waiters.set(`error ${id}`, { resolve: () => {}, reject: (e) => (this.waiters.delete(answer), reject(e)) });
      try {
        this.helper.send(command);
      } catch (e) {
        this.waiters.delete(answer);
        reject(e as Error);
      }
    });
  }

  private fail(error: Error): void {
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
    this.log.error(error.message);
  }

  private dispatch(kind: string, id: string, payload: Buffer): void {
    if (kind === 'result') return this.onResult.get(id)?.(payload);
    if (kind === 'error') {
      const waiter = this.waiters.get(`error ${id}`);
      this.waiters.delete(`error ${id}`);
      if (waiter) waiter.reject(new Error(payload.toString()));
      else this.log.warn({ id, error: payload.toString() }, 'execution I/O helper');
      return;
    }
    const key = `${kind} ${id}`;
    const waiter = this.waiters.get(key);
    this.waiters.delete(key);
    this.waiters.delete(`error ${id}`);
    waiter?.resolve();
  }
}

/** A command of the helper: one JSON line (see the helper's docstring). */
type Command =
  | { cmd: 'results'; id: string; path: string; owner: FileOwner }
  | { cmd: 'close' | 'unfifo'; id: string }
  | { cmd: 'fifo'; id: string; path: string; source: string; owner: FileOwner };
