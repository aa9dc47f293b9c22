import { spawn, type ChildProcess } from 'node:child_process';
import { constants, accessSync, statSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { constants as os } from 'node:os';
import { exitedState } from './final-state.js';
import { isHostLoaderVariable } from './host-env.js';
import { ImageUnavailableError, type ContainerRuntime, type ContainerSpec, type ExitInfo, type RunningContainer, type Usage } from './runtime.js';
import { sampleImages } from './sample-images.js';
import { WatchedContainer } from './watched-container.js';

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
  /** Where the per-execution sandbox folders are made (the system's temp folder by default). */
  workDir?: string;
}

const CLOCK_TICKS_PER_SECOND = 100;

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
 * CPU limits are not applied.
 */
export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  readonly isolated = false;
  private readonly images: Map<string, string[]>;
  /** Whether absolute paths of host executables run as images (option `allowHostExecutables`). */
  readonly allowHostExecutables: boolean;
  private readonly workDir: string;

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
    const root = await mkdtemp(join(this.workDir, 'abaco-proc-'));
    for (const mount of spec.mounts) {
      const at = join(root, mount.containerPath);
      await mkdir(dirname(at), { recursive: true });
      await symlink(mount.hostPath, at);
    }
    const [uid, gid] = (spec.user ?? '').split(':').map(Number);
    const asUser = process.getuid?.() === 0 && Number.isInteger(uid) ? { uid: uid!, gid: Number.isInteger(gid) ? gid! : uid! } : undefined;
    if (asUser) await chown(root, asUser.uid, asUser.gid); // the sandbox belongs to the user the actor runs as
    const child = spawn(command[0]!, command.slice(1), {
      cwd: root,
      env: { ...withoutLoaderVariables(spec.env), PATH: process.env.PATH ?? '/usr/bin:/bin', ABACO_ROOT: root },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...asUser,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => {
        void rm(root, { recursive: true, force: true });
        reject(new Error(`Could not start ${command[0]}: ${e.message}`));
      });
    });
    return new ProcessContainer(child, root);
  }

  /** Processes are not found again after a restart (they carry no labels): nothing to clean. */
  async cleanup(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}

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

class ProcessContainer extends WatchedContainer {
  readonly id: string;
  private readonly startedAt = new Date();

  constructor(
    private readonly child: ChildProcess,
    private readonly root: string,
  ) {
    super();
    this.id = `process-${child.pid}`;
    let open = 2;
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (text: string) => this.output.push({ stream, text }));
      child[stream]!.on('close', () => --open === 0 && this.output.end());
    }
    const exit = new Promise<Omit<ExitInfo, 'killed'>>((resolve) => {
      child.once('exit', (code, signal) => {
        const exitCode = code ?? 128 + (signal ? (os.signals[signal] ?? 0) : 0);
        resolve({ exitCode, oomKilled: false, finalState: exitedState(exitCode, this.startedAt, new Date()) });
      });
    });
    this.watch(exit, 100);
  }

  protected async stop(): Promise<void> {
    process.kill(-this.child.pid!, 'SIGKILL'); // the whole process group
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  /** CPU from /proc/<pid>/stat (own and waited-for children's ticks), IO from /proc/<pid>/io. */
  protected async sample(): Promise<Usage | undefined> {
    const pid = this.child.pid;
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const stat = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields after "(comm) ": state is [0]; utime, stime, cutime, cstime are [11]..[14]
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(stat[i] ?? 0), 0);
    const io = await readFile(`/proc/${pid}/io`, 'utf8').catch(() => '');
    const bytes = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? 0);
    return { cpu: Math.round((ticks * 1e9) / CLOCK_TICKS_PER_SECOND), io: bytes('rchar') + bytes('wchar') };
  }
}
