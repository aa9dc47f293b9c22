import { AsyncQueue } from '../util/async-queue.js';
import type { ExitInfo, LogChunk, RunningContainer, Usage } from './runtime.js';

/** How a container ended, as a runtime reports it; with its final CPU and IO figures when the runtime has them. */
export type Ended = Omit<ExitInfo, 'killed'> & { usage?: Usage };

/**
 * What every runtime's running container shares: its output as a queue, CPU and IO figures sampled
 * while it runs (the last sample is kept once it is gone) or reported with its exit, and its exit,
 * with whether it was killed. A runtime supplies how to sample, stop and remove; and calls `watch`
 * once with its exit.
 */
export abstract class WatchedContainer implements RunningContainer {
  abstract readonly id: string;
  protected readonly output = new AsyncQueue<LogChunk>();
  readonly logs: AsyncIterable<LogChunk> = this.output;
  private latest: Usage = { cpu: 0, io: 0 };
  private killed = false;
  private exited!: Promise<ExitInfo>;

  /**
   * The figures so far, or undefined when none can be read (the container is gone). Only asked
   * when `watch` is given a sampling period.
   */
  protected abstract sample(): Promise<Usage | undefined>;
  /** Kills the container (SIGKILL). */
  protected abstract stop(): Promise<void>;
  abstract remove(): Promise<void>;

  /**
   * Samples usage until `exit` settles, one sample at a time: the next is taken `everyMs` after the
   * last one answered, so a slow engine is never asked again before it has answered; with `everyMs`
   * null, never (the runtime reports the figures with the exit). `wait()` answers with `exit`.
   */
  protected watch(exit: Promise<Ended>, everyMs: number | null): void {
    let running = true;
    let timer: NodeJS.Timeout | undefined;
    const sampleLoop = async (): Promise<void> => {
      await this.takeSample();
      if (running) timer = setTimeout(() => void sampleLoop(), everyMs!);
    };
    if (everyMs !== null) void sampleLoop();
    const done = () => {
      running = false;
      clearTimeout(timer);
    };
    this.exited = exit.then(
      ({ usage, ...info }) => {
        done();
        if (usage) this.keep(usage);
        return { ...info, killed: this.killed };
      },
      (e: unknown) => {
        done();
        throw e;
      },
    );
    this.exited.catch(() => {}); // a container removed before anyone waited for it is no unhandled error
  }

  wait(): Promise<ExitInfo> {
    return this.exited;
  }

  async usage(): Promise<Usage> {
    return this.latest;
  }

  async kill(): Promise<void> {
    this.killed = true;
    await this.stop().catch(() => {});
  }

  private async takeSample(): Promise<void> {
    const figures = await this.sample().catch(() => undefined);
    if (figures) this.keep(figures);
  }

  private keep(figures: Usage): void {
    this.latest = { cpu: Math.max(figures.cpu, this.latest.cpu), io: Math.max(figures.io, this.latest.io) };
  }
}
