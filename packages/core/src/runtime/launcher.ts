import { fileURLToPath } from 'node:url';
import { HelperProcess } from './helper-process.js';

const SCRIPT = fileURLToPath(new URL('../../assets/abaco_launch.py', import.meta.url));

/** What the process runtime asks the launcher to start. */
export interface LaunchRequest {
  argv: string[];
  env: Record<string, string>;
  /** Where the sandbox folder is made. */
  workDir: string;
  /** `[hostPath, containerPath]`: each appears as a symlink at `<sandbox><containerPath>`. */
  mounts: [string, string][];
  /** `[uid, gid]` to run as (the sandbox is given to them too); null runs as the engine's user. */
  owner: [number, number] | null;
}

/** How a launched process ended: its exit code (or minus the signal that killed it), CPU (ns) and IO (bytes). */
export interface LaunchExit {
  status: number;
  cpu: number;
  io: number;
}

/** What the launcher tells about one process. */
export interface LaunchWatcher {
  output(stream: 'stdout' | 'stderr', data: Buffer): void;
  outputEnd(stream: 'stdout' | 'stderr'): void;
  exit(exit: LaunchExit): void;
  /** The launcher died: the process is out of reach. */
  lost(error: Error): void;
}

type Waiter = { resolve: (payload: Buffer) => void; reject: (e: Error) => void };

const STREAMS = { out: 'stdout', err: 'stderr' } as const;

/**
 * Starts the process runtime's processes through its launcher (`assets/abaco_launch.py`, run with
 * python3): a fork of a small helper costs a fraction of a fork of the engine, whose page tables
 * grow with its memory. The launcher makes each sandbox folder, starts the process in a session of
 * its own, relays its output, reports its exit with its CPU and IO figures, kills and removes.
 */
export class Launcher {
  private readonly helper: HelperProcess;
  private readonly answers = new Map<string, Waiter>();
  /** The watchers of processes whose exit or end of output is still to come, with how many of those three. */
  private readonly watchers = new Map<string, { watcher: LaunchWatcher; due: number }>();
  private last = 0;

  constructor(python = process.env.ABACO_PYTHON ?? 'python3') {
    let stderr = '';
    this.helper = new HelperProcess({
      script: SCRIPT,
      python,
      what: 'The process launcher',
      needs: 'The process runtime needs python3.',
      onFrame: (kind, id, payload) => {
        this.dispatch(kind, id, payload);
        this.helper.busy(this.answers.size + this.watchers.size > 0);
      },
      onFail: (error) => this.fail(stderr ? new Error(`${error.message} ${stderr.trim()}`) : error),
      onStderr: (text) => (stderr = (stderr + text).slice(-2000)),
    });
  }

  /** Starts a process; answers with its id, its pid and its sandbox folder once it runs. */
  async start(request: LaunchRequest, watcher: LaunchWatcher): Promise<{ id: string; pid: number; root: string }> {
    const id = String(++this.last);
    this.watchers.set(id, { watcher, due: 3 });
    try {
      const started = await this.ask(id, { cmd: 'run', id, ...request });
      return { id, ...(JSON.parse(started.toString()) as { pid: number; root: string }) };
    } catch (e) {
      this.watchers.delete(id);
      throw e;
    }
  }

  /** Kills the process group of a process, unless it has ended (a launcher that is not running has no process). */
  kill(id: string): void {
    if (this.helper.running) this.helper.send({ cmd: 'kill', id });
  }

  /** Removes the sandbox folder of a process, unanswered (a launcher that was closed has removed those of ended processes). */
  remove(id: string): void {
    if (this.helper.running) this.helper.send({ cmd: 'remove', id });
  }

  async close(): Promise<void> {
    await this.helper.close();
  }

  private ask(id: string, command: object): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.answers.set(id, { resolve, reject });
      try {
        this.helper.send(command);
        this.helper.busy(true);
      } catch (e) {
        this.answers.delete(id);
        reject(e as Error);
      }
    });
  }

  private dispatch(kind: string, id: string, payload: Buffer): void {
    if (kind === 'started' || kind === 'error') {
      const waiter = this.answers.get(id);
      this.answers.delete(id);
      if (kind === 'error') waiter?.reject(new Error(payload.toString()));
      else waiter?.resolve(payload);
      return;
    }
    const watched = this.watchers.get(id);
    if (!watched) return;
    const { watcher } = watched;
    if (kind === 'out' || kind === 'err') return watcher.output(STREAMS[kind], payload);
    if (kind === 'out-end' || kind === 'err-end') watcher.outputEnd(STREAMS[kind === 'out-end' ? 'out' : 'err']);
    else if (kind === 'exit') watcher.exit(JSON.parse(payload.toString()) as LaunchExit);
    if (--watched.due === 0) this.watchers.delete(id);
  }

  private fail(error: Error): void {
    for (const waiter of this.answers.values()) waiter.reject(error);
    for (const { watcher } of this.watchers.values()) watcher.lost(error);
    this.answers.clear();
    this.watchers.clear();
  }
}
