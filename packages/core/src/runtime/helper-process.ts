import { spawn, type ChildProcess } from 'node:child_process';

/** What a helper says: a frame of some kind, about one id, with its bytes. */
export type FrameHandler = (kind: string, id: string, payload: Buffer) => void;

export interface HelperOptions {
  /** The Python script (in `assets/`). */
  script: string;
  /** The Python interpreter. */
  python: string;
  /** What it is, for error messages: e.g. `The execution I/O helper`. */
  what: string;
  /** What cannot work without it, for the message when Python cannot run. */
  needs: string;
  onFrame: FrameHandler;
  /** The helper could not start or died: whatever waits on it has failed. */
  onFail: (error: Error) => void;
  onStderr: (text: string) => void;
}

/**
 * A Python helper process of the engine: commands go in as JSON, one a line on its stdin; frames
 * come out on its stdout, each a header line `<kind> <id> <length>` and `<length>` bytes. It starts
 * with the first command; after it died, the next command starts another. It keeps the program
 * alive only while its owner says it is busy (`busy`): an idle helper never holds up an exit.
 */
export class HelperProcess {
  private child: ChildProcess | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private held = true;

  constructor(private readonly options: HelperOptions) {}

  /** Whether a helper runs now (it starts with the next command otherwise). */
  get running(): boolean {
    return this.child !== null;
  }

  /** Sends a command; those sent in one turn of the event loop go out in one write (one wake-up of the helper). */
  send(command: object): void {
    const stdin = this.started().stdin!;
    if (stdin.writableCorked === 0) {
      stdin.cork();
      process.nextTick(() => stdin.uncork());
    }
    stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Whether the helper has work under way, which keeps the program alive until it is done. */
  busy(busy: boolean): void {
    if (busy === this.held || !this.child) return;
    this.held = busy;
    for (const handle of [this.child, this.child.stdout, this.child.stderr] as (NodeJS.RefCounted | null)[]) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  }

  /** Ends the helper (its stdin closes) and waits for it to exit. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.busy(true);
    this.child = null;
    child.stdin!.end();
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const { python, script, what, needs } = this.options;
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.on('error', (e) => this.fail(child, new Error(`${what} could not run (${python} ${script}): ${e.message}. ${needs}`)));
    child.on('exit', (code) => this.fail(child, new Error(`${what} exited (code ${code}).`)));
    child.stdin!.on('error', () => {}); // a helper that died is reported by 'exit'
    child.stderr!.on('data', (d: Buffer) => this.options.onStderr(d.toString()));
    child.stdout!.on('data', (d: Buffer) => this.read(child, d));
    this.child = child;
    this.held = true;
    this.buffered = Buffer.alloc(0);
    return child;
  }

  private fail(child: ChildProcess, error: Error): void {
    if (this.child !== child) return; // closed on purpose, or already failed
    this.child = null;
    this.options.onFail(error);
  }

  /** Cuts frames out of the helper's output; one it does not understand ends the helper (it is killed). */
  private read(child: ChildProcess, data: Buffer): void {
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    while (this.child === child) {
      const eol = this.buffered.indexOf(10);
      if (eol < 0) return;
      const header = /^(\S+) (\S+) (\d{1,9})$/.exec(this.buffered.subarray(0, eol).toString());
      if (!header) return this.reject(child, 'a malformed frame header');
      const size = Number(header[3]);
      if (this.buffered.length < eol + 1 + size) return;
      const payload = Buffer.from(this.buffered.subarray(eol + 1, eol + 1 + size));
      this.buffered = this.buffered.subarray(eol + 1 + size);
      try {
        this.options.onFrame(header[1]!, header[2]!, payload);
      } catch (e) {
        return this.reject(child, `a frame that could not be read (${(e as Error).message})`);
      }
    }
  }

  private reject(child: ChildProcess, what: string): void {
    child.kill('SIGKILL');
    this.fail(child, new Error(`${this.options.what} sent ${what}: it was stopped.`));
  }
}
