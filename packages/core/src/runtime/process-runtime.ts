import { constants, accessSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { exitedState } from './final-state.js';
import { isHostLoaderVariable } from './host-env.js';
import { Launcher, type LaunchRequest } from './launcher.js';
import { ImageUnavailableError, type ContainerRuntime, type ContainerSpec, type RunningContainer } from './runtime.js';
import { sampleImages } from './sample-images.js';
import { WatchedContainer, type Ended } from './watched-container.js';

export interface ProcessRuntimeOptions {
  /**
   * Image names and the command each runs, e.g. `{ 'my/counter': ['python3', '/opt/wc.py'] }`: added to
   * the built-in samples (`sampleImages`: `abacosamples/wc`, `abacosamples/test`, ...), which a name
   * given here overrides.
   */
  images?: Record<string, string[]>;
  /**
   * Also run absolute paths of executable files of the host as images (off by default): whoever may
   * register an actor then runs any program of this machine. Only for deployments whose users are trusted.
   */
  allowHostExecutables?: boolean;
  /**
   * Where the per-execution sandbox folders are made (the system's temp folder by default). When
   * processes run as other users (the engine runs as root), those users must be able to pass through
   * it (mode 0711 or more) to their sandboxes.
   */
  workDir?: string;
}

/**
 * Runs an actor as a host process: no isolation, for machines without a container engine, for
 * embedding and for fast tests. Off for untrusted users unless an admin turns it on.
 *
 * What an image names: one of the user guide's samples (`sampleImages`) or a key of the `images`
 * option (its command runs; it wins over a sample of the same name), or else, with
 * `allowHostExecutables`, an absolute path to an executable file on the host (that file runs).
 * Anything else is not present and cannot be pulled. Each execution gets a sandbox folder, its
 * working directory, also given as `ABACO_ROOT`; every mount appears at `$ABACO_ROOT<containerPath>`
 * (so the results socket is `$ABACO_ROOT/_abaco_results.sock` and binary data
 * `$ABACO_ROOT/_abaco_binary_data`). The process sees the spec's environment less the variables
 * that change how host programs load or start (`isHostLoaderVariable`: LD_PRELOAD, BASH_ENV,
 * PATH...), plus the host's PATH. It runs as `spec.user` when the engine runs as root; memory and
 * CPU limits are not applied. A small helper (`Launcher`, python3) starts the processes: a fork of
 * the engine itself costs milliseconds more, growing with the engine's memory.
 */
export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  readonly isolated = false;
  private readonly images: Map<string, string[]>;
  /** Whether absolute paths of host executables run as images (option `allowHostExecutables`). */
  readonly allowHostExecutables: boolean;
  private readonly workDir: string;
  private readonly launcher = new Launcher();

  constructor(options: ProcessRuntimeOptions = {}) {
    // a Map: no `constructor` or `__proto__` image
    this.images = new Map([...Object.entries(sampleImages()), ...Object.entries(options.images ?? {})]);
    this.allowHostExecutables = options.allowHostExecutables ?? false;
    this.workDir = options.workDir ?? tmpdir();
  }

  /** The names of the image map, the built-in samples first: the images this runtime runs (besides host executables when allowed). */
  get imageNames(): string[] {
    return [...this.images.keys()];
  }

  async ensureImage(image: string): Promise<void> {
    this.commandOf(image);
  }

  async run(spec: ContainerSpec): Promise<RunningContainer> {
    const imageCommand = this.commandOf(spec.image); // a command override runs only for an image that may run
    const command = spec.command ?? imageCommand;
    const ids = /^(\d+)(?::(\d+))?$/.exec(spec.user ?? '');
    const owner: [number, number] | null = process.getuid?.() === 0 && ids ? [Number(ids[1]), Number(ids[2] ?? ids[1])] : null;
    const container = new ProcessContainer(this.launcher);
    try {
      await container.start({
        argv: command,
        env: { ...withoutLoaderVariables(spec.env), PATH: process.env.PATH ?? '/usr/bin:/bin' },
        workDir: this.workDir,
        mounts: spec.mounts.map((m) => [m.hostPath, m.containerPath]),
        owner,
      });
    } catch (e) {
      throw new Error(`Could not start ${command[0]}: ${(e as Error).message}`);
    }
    return container;
  }

  /** Processes are not found again after a restart (they carry no labels): nothing to clean. */
  async cleanup(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    await this.launcher.close();
  }

  private commandOf(image: string): string[] {
    const listed = this.images.get(image);
    if (listed) return listed;
    const refused = `Image ${image} is not present and cannot be pulled (runtime: process)`;
    if (!isAbsolute(image)) throw new ImageUnavailableError(`${refused}: the process runtime runs the images of its image map.`);
    if (!this.allowHostExecutables) {
      throw new ImageUnavailableError(
        `${refused}: the process runtime runs the images of its image map; absolute paths of host executables run only when it is created with allowHostExecutables: true (abaco serve --allow-host-executables).`,
      );
    }
    if (isExecutableFile(image)) return [image];
    throw new ImageUnavailableError(`${refused}: not an executable file.`);
  }
}

/** The environment less the variables that change how host programs load or start (names only are checked). */
function withoutLoaderVariables(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isHostLoaderVariable(name)));
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A process started by the launcher: its output, exit and figures come from there. */
class ProcessContainer extends WatchedContainer {
  id = '';
  private launchId = '';
  private readonly startedAt = new Date();
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private open = 2;
  private readonly ended: Promise<Ended>;
  private end!: { resolve: (ended: Ended) => void; reject: (e: Error) => void };

  constructor(private readonly launcher: Launcher) {
    super();
    this.ended = new Promise<Ended>((resolve, reject) => (this.end = { resolve, reject }));
    this.watch(this.ended, null);
  }

  async start(request: LaunchRequest): Promise<void> {
    const { id, pid } = await this.launcher.start(request, {
      output: (stream, data) => this.push(stream, this.decoders[stream].write(data)),
      outputEnd: (stream) => this.outputEnd(stream),
      exit: ({ status, cpu, io }) => {
        const exitCode = status >= 0 ? status : 128 - status;
        this.end.resolve({ exitCode, oomKilled: false, finalState: exitedState(exitCode, this.startedAt, new Date()), usage: { cpu, io } });
      },
      lost: (error) => {
        this.output.end();
        this.end.reject(error);
      },
    });
    this.launchId = id;
    this.id = `process-${pid}`;
  }

  /** Never asked (no sampling period): the launcher reports the figures with the exit. */
  protected async sample(): Promise<undefined> {
    return undefined;
  }

  protected async stop(): Promise<void> {
    this.launcher.kill(this.launchId); // the whole process group
  }

  async remove(): Promise<void> {
    this.launcher.remove(this.launchId);
  }

  private push(stream: 'stdout' | 'stderr', text: string): void {
    if (text) this.output.push({ stream, text });
  }

  private outputEnd(stream: 'stdout' | 'stderr'): void {
    this.push(stream, this.decoders[stream].end());
    if (--this.open === 0) this.output.end();
  }
}
