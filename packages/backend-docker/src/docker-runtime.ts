import { DockerStreamDemuxer, ensureImageWithPolicy, WatchedContainer, type PullPolicy, type ContainerRuntime, type ContainerSpec, type FinalState, type RunningContainer, type Usage } from '@abaco/core';
import Docker from 'dockerode';
import { describeEndpoint, dockerEndpoint, type DockerEndpoint } from './docker-host.js';

export interface DockerRuntimeOptions {
  /** `unix:///path/docker.sock`, a socket path, or `tcp://host:port`; default DOCKER_HOST or /var/run/docker.sock. */
  host?: string;
  pullPolicy?: PullPolicy;
  /** Told about pull progress, one line per status change. */
  onPullProgress?: (image: string, status: string) => void;
}

const STATS_EVERY_MS = 100;

/** A ContainerRuntime over the Docker Engine API (dockerode). */
export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  readonly isolated = true;
  private readonly where: string;

  private constructor(
    private readonly docker: Docker,
    endpoint: DockerEndpoint,
    private readonly options: DockerRuntimeOptions,
  ) {
    this.where = describeEndpoint(endpoint);
  }

  /** Connects and checks that the daemon answers; the error names the socket tried. */
  static async connect(options: DockerRuntimeOptions = {}): Promise<DockerRuntime> {
    const endpoint = dockerEndpoint(options.host);
    const docker = new Docker(endpoint);
    try {
      await docker.ping();
    } catch (e) {
      throw new Error(`Docker is not reachable at ${describeEndpoint(endpoint)}: ${(e as Error).message}`);
    }
    return new DockerRuntime(docker, endpoint, options);
  }

  async ensureImage(image: string): Promise<void> {
    const present = () => this.docker.getImage(image).inspect().then(() => true, () => false);
    await ensureImageWithPolicy(image, this.options.pullPolicy ?? 'if-missing', `docker at ${this.where}`, present, () => this.pull(image));
  }

  async run(spec: ContainerSpec): Promise<RunningContainer> {
    const container = await this.docker.createContainer({
      Image: spec.image,
      Cmd: spec.command,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      User: spec.user,
      Labels: spec.labels,
      HostConfig: {
        Binds: spec.mounts.map((m) => `${m.hostPath}:${m.containerPath}:${m.readOnly ? 'ro' : 'rw'}`),
        Memory: spec.memoryBytes,
        MemorySwap: spec.memoryBytes, // no swap beyond the limit: the limit is the limit
        NanoCpus: spec.nanoCpus,
        PidsLimit: spec.pidsLimit,
        ...(spec.capabilities ? { CapDrop: ['ALL'], CapAdd: spec.capabilities } : {}),
        SecurityOpt: spec.noNewPrivileges ? ['no-new-privileges'] : undefined,
        Privileged: spec.privileged,
        NetworkMode: spec.network ?? 'none',
      },
    });
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      await container.start();
      return new DockerContainer(container, stream);
    } catch (e) {
      await container.remove({ force: true }).catch(() => {});
      throw e;
    }
  }

  async cleanup(isLive: (labels: Record<string, string>) => boolean): Promise<number> {
    const ours = await this.docker.listContainers({ all: true, filters: { label: ['abaco.execution'] } });
    let removed = 0;
    for (const info of ours) {
      if (isLive(info.Labels)) continue;
      await this.docker.getContainer(info.Id).remove({ force: true }).catch(() => {});
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {}

  private async pull(image: string): Promise<void> {
    const stream = await this.docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { status?: string; progress?: string }) => this.options.onPullProgress?.(image, [event.status, event.progress].filter(Boolean).join(' ')),
      ),
    );
  }
}

class DockerContainer extends WatchedContainer {
  readonly id: string;

  constructor(
    private readonly container: Docker.Container,
    stream: NodeJS.ReadableStream,
  ) {
    super();
    this.id = container.id;
    const demuxer = new DockerStreamDemuxer();
    stream.on('data', (data: Buffer) => demuxer.push(data).forEach((chunk) => this.output.push(chunk)));
    let ended = false;
    const end = () => !ended && ((ended = true), this.output.end());
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
    const exit = container.wait().then(async () => {
      const state = (await container.inspect()).State as unknown as FinalState;
      return { exitCode: state.ExitCode, oomKilled: state.OOMKilled, finalState: pickState(state) };
    });
    this.watch(exit, STATS_EVERY_MS);
  }

  protected async stop(): Promise<void> {
    await this.container.kill({ signal: 'SIGKILL' });
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true }).catch(() => {});
  }

  /** CPU nanoseconds and block IO bytes so far, from a one-shot stats sample. */
  protected async sample(): Promise<Usage | undefined> {
    const stats = (await this.container.stats({ stream: false, 'one-shot': true } as never)) as unknown as DockerStats;
    const cpu = stats.cpu_stats?.cpu_usage?.total_usage ?? 0;
    const io = (stats.blkio_stats?.io_service_bytes_recursive ?? []).reduce((sum, e) => sum + (['read', 'write'].includes(e.op.toLowerCase()) ? e.value : 0), 0);
    return { cpu, io };
  }
}

interface DockerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
}

function pickState(s: FinalState): FinalState {
  return { Status: s.Status, Running: s.Running, Paused: s.Paused, Restarting: s.Restarting, OOMKilled: s.OOMKilled, Dead: s.Dead, Pid: s.Pid, ExitCode: s.ExitCode, Error: s.Error, StartedAt: s.StartedAt, FinishedAt: s.FinishedAt };
}
