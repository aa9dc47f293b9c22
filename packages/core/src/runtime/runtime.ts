import type { FinalState } from '../model/execution.js';

/** A path of the host made visible inside the container. */
export interface BindMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** Everything a runtime needs to run one execution's container. */
export interface ContainerSpec {
  image: string;
  /** Overrides the image's command; the engine leaves it unset (actors run their image's default). */
  command?: string[];
  env: Record<string, string>;
  mounts: BindMount[];
  /** `uid:gid` to run as; unset runs as the image's user. */
  user?: string;
  /** Memory limit in bytes. */
  memoryBytes?: number;
  /** CPU limit in nano-CPUs. */
  nanoCpus?: number;
  /** The most processes (threads included) the container may have at once: a fork bomb stops there. */
  pidsLimit?: number;
  /**
   * The Linux capabilities the container keeps (names without `CAP_`, e.g. `['NET_BIND_SERVICE']`):
   * `[]` drops them all, even from a root user. Unset leaves the engine's default set (and a
   * privileged container all of them).
   */
  capabilities?: string[];
  /** `no-new-privileges`: no process of the container gains privileges (setuid files, file capabilities). */
  noNewPrivileges?: boolean;
  privileged: boolean;
  /** Network mode (`none` by default). */
  network?: string;
  /** Labels marking the container as the engine's (actor, worker, execution). */
  labels: Record<string, string>;
}

/** Output of a container, in the order it was written. */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How a container ended. */
export interface ExitInfo {
  exitCode: number;
  oomKilled: boolean;
  /** Set when the container was killed (halt). */
  killed: boolean;
  finalState: FinalState;
}

/** CPU (nanoseconds) and IO (bytes) a container used. */
export interface Usage {
  cpu: number;
  io: number;
}

export interface RunningContainer {
  id: string;
  /** The container's output as it comes, ending when the container has exited. */
  logs: AsyncIterable<LogChunk>;
  /** Resolves when the container has exited. */
  wait(): Promise<ExitInfo>;
  /** The latest CPU and IO figures (the final ones once `wait` resolved). */
  usage(): Promise<Usage>;
  /** Stops the container at once (SIGKILL). */
  kill(): Promise<void>;
  /** Removes what is left of the container. */
  remove(): Promise<void>;
}

/** Raised when an image is neither present nor obtainable. */
export class ImageUnavailableError extends Error {
  override name = 'ImageUnavailableError';
}

/**
 * The ContainerRuntime port: runs one fresh container per execution. Implementations: the process
 * runtime in core, docker and podman. `@abaco/core/conformance` holds the suite every one must pass.
 */
export interface ContainerRuntime {
  /** Short name shown as a worker's location: `process`, `docker`, `podman`. */
  readonly name: string;
  /**
   * Whether a container is isolated from the host (its own filesystem, users and environment).
   * The process runtime is not: the engine then refuses what would let an actor take over the host
   * (host executables, loader variables such as LD_PRELOAD) to anyone but admins.
   */
  readonly isolated: boolean;
  /** Makes sure an image can be run; throws ImageUnavailableError naming the image and runtime. */
  ensureImage(image: string): Promise<void>;
  /** Creates and starts a container. Throws when it cannot start (bad image, bad spec). */
  run(spec: ContainerSpec): Promise<RunningContainer>;
  /**
   * Removes the containers this runtime made for the engine (labelled `abaco.*`) whose worker is not
   * alive (`isLive(labels)` false): what a crashed engine left behind. Returns how many it removed.
   */
  cleanup(isLive: (labels: Record<string, string>) => boolean): Promise<number>;
  /** Releases what the runtime holds (connections). */
  close(): Promise<void>;
}
