import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { newId } from '../ids.js';
import { HelperProcess } from '../runtime/helper-process.js';

const SCRIPT = fileURLToPath(new URL('../../assets/abaco_io.py', import.meta.url));

type Waiter = { resolve: () => void; reject: (e: Error) => void };

/** A results socket bound by the helper: its id there, where it is now, and which helper (see `lives`) bound it. */
interface BoundSocket {
  helperId: string;
  path: string;
  life: number;
}

/** A results socket in use, with its owner (whose next spare its close binds). */
interface OpenSocket extends BoundSocket {
  owner: FileOwner;
}

/** For how many folders and owners a spare results socket is kept at most (those whose sockets closed last). */
const SPARE_OWNERS = 4;

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
  /** Where each socket's datagrams go, by its id in the helper. */
  private readonly onResult = new Map<string, (data: Buffer) => void>();
  /** The results sockets in use, by the caller's id. */
  private readonly open = new Map<string, OpenSocket>();
  /** Results sockets bound ahead, one per folder and owner: see `openResults`. */
  private readonly spares = new Map<string, Promise<BoundSocket>>();
  private closed = false;
  /** How many helpers died: a socket bound by one that died is gone with it. */
  private lives = 0;

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

  /**
   * Gives an execution its results socket at `path`, for `owner`; each datagram goes to `onResult`.
   * The socket is one bound ahead for that owner in that folder (a spare, under a random name, bound
   * when a socket of that owner closed), renamed to `path`: the execution does not wait for the
   * helper. Without a spare, one is bound now. A spare is given to its user as the socket it becomes
   * (see `give` in the helper: 0600, or 0666 when the user is not known): what processes of that
   * user send to it before it is given, as they could to that socket, may be taken for results of
   * the execution that gets it (those the engine read before are dropped). A container reaches only
   * the socket given to it; host processes (the process runtime) may find the others.
   */
  async openResults(id: string, path: string, owner: FileOwner, onResult: (data: Buffer) => void): Promise<void> {
    const folder = dirname(path);
    const key = spareKey(folder, owner);
    const spare = this.spares.get(key);
    this.spares.delete(key);
    let socket = await spare?.catch(() => undefined);
    if (socket?.life !== this.lives) {
      if (socket) this.drop(socket);
      socket = await this.bind(folder, owner);
    }
    try {
      renameSync(socket.path, path);
    } catch (e) {
      this.drop(socket);
      throw e;
    }
    this.open.set(id, { ...socket, path, owner });
    this.onResult.set(socket.helperId, onResult);
  }

  /**
   * Receives what is still waiting on the socket, then closes and removes it; and binds the next
   * spare of its owner (asked right after, while the helper is awake). Fails when the helper that
   * bound it died meanwhile: what was sent since is lost.
   */
  async closeResults(id: string): Promise<void> {
    const socket = this.open.get(id);
    if (!socket) throw new Error(`No results socket ${id} is open.`);
    try {
      if (socket.life !== this.lives) throw new Error('The execution I/O helper stopped while the execution ran: results it sent meanwhile are lost.');
      const closed = this.request(`closed ${socket.helperId}`, { cmd: 'close', id: socket.helperId, path: socket.path });
      this.spareFor(dirname(socket.path), socket.owner);
      await closed;
    } finally {
      if (socket.life !== this.lives) rmSync(socket.path, { force: true });
      this.onResult.delete(socket.helperId);
      this.open.delete(id);
    }
  }

  /** Binds a results socket under a random name in `folder`, for `owner`. */
  private async bind(folder: string, owner: FileOwner): Promise<BoundSocket> {
    const helperId = `s-${newId()}`;
    const socket = { helperId, path: join(folder, `${helperId}.sock`), life: this.lives };
    await this.request(`bound ${socket.helperId}`, { cmd: 'results', id: socket.helperId, path: socket.path, owner });
    return socket;
  }

  /** Binds a spare for `owner` in `folder` unless there is one; past SPARE_OWNERS, the oldest spare goes. */
  private spareFor(folder: string, owner: FileOwner): void {
    const key = spareKey(folder, owner);
    if (this.closed || this.spares.has(key)) return;
    const bound = this.bind(folder, owner);
    bound.catch(() => {}); // a spare that could not be bound is replaced when taken
    this.spares.set(key, bound);
    if (this.spares.size <= SPARE_OWNERS) return;
    const [oldestKey, oldest] = this.spares.entries().next().value!;
    this.spares.delete(oldestKey);
    oldest.then((socket) => this.drop(socket)).catch(() => {});
  }

  /** Closes and removes a socket nobody waits on; one whose helper died is only removed. */
  private drop(socket: BoundSocket): void {
    if (this.closed) return;
    if (socket.life === this.lives) this.helper.send({ cmd: 'close', id: socket.helperId, path: socket.path });
    else rmSync(socket.path, { force: true });
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
    this.closed = true;
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
    this.lives++;
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
    // The spares went with the helper: their files are left, which nothing listens on.
    for (const spare of this.spares.values()) spare.then((socket) => rmSync(socket.path, { force: true })).catch(() => {});
    this.spares.clear();
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

/** Which spare serves a socket in `folder` for `owner`. */
const spareKey = (folder: string, owner: FileOwner): string => `${folder}\0${JSON.stringify(owner)}`;

/** A command of the helper: one JSON line (see the helper's docstring). */
type Command =
  | { cmd: 'results'; id: string; path: string; owner: FileOwner }
  | { cmd: 'close'; id: string; path: string }
  | { cmd: 'unfifo'; id: string }
  | { cmd: 'fifo'; id: string; path: string; source: string; owner: FileOwner };
