import { DockerStreamDemuxer, ensureImageWithPolicy, WatchedContainer, type PullPolicy, type ContainerRuntime, type ContainerSpec, type FinalState, type RunningContainer, type Usage } from '@abaco/core';
import { existsSync } from 'node:fs';
import { Pool } from 'undici';

export interface PodmanRuntimeOptions {
  /** `unix:///path/podman.sock` or a socket path; default CONTAINER_HOST, then the rootful and rootless sockets. */
  host?: string;
  pullPolicy?: PullPolicy;
  onPullProgress?: (image: string, status: string) => void;
}

const API = '/v4.0.0/libpod';
const STATS_EVERY_MS = 100;

/** The socket to use: the option, CONTAINER_HOST, else the first of the usual sockets that exists. */
export function podmanSocket(host = process.env.CONTAINER_HOST): string {
  if (host) return host.replace(/^unix:\/\//, '');
  const candidates = ['/run/podman/podman.sock', `${process.env.XDG_RUNTIME_DIR ?? `/run/user/${process.getuid?.() ?? 0}`}/podman/podman.sock`];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

class PodmanApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** A ContainerRuntime over Podman's own libpod REST API (undici on its unix socket). */
export class PodmanRuntime implements ContainerRuntime {
  readonly name = 'podman';
  readonly isolated = true;

  private constructor(
    private readonly client: Pool,
    private readonly socket: string,
    private readonly options: PodmanRuntimeOptions,
  ) {}

  /** Connects and checks that the service answers; the error names the socket tried. */
  static async connect(options: PodmanRuntimeOptions = {}): Promise<PodmanRuntime> {
    const socket = podmanSocket(options.host);
    // A pool, not one connection: waits and log streams are long requests, and a kill must not queue behind them.
    const client = new Pool('http://podman', { socketPath: socket, bodyTimeout: 0, headersTimeout: 0 });
    const runtime = new PodmanRuntime(client, socket, options);
    try {
      await runtime.call('GET', '/_ping');
    } catch (e) {
      await client.close();
      throw new Error(`Podman is not reachable at unix://${socket}: ${(e as Error).message}`);
    }
    return runtime;
  }

  async ensureImage(image: string): Promise<void> {
    const present = () => this.call('GET', `/images/${encodeURIComponent(image)}/exists`).then(() => true, () => false);
    await ensureImageWithPolicy(image, this.options.pullPolicy ?? 'if-missing', `podman at unix://${this.socket}`, present, () => this.pull(image));
  }

  async run(spec: ContainerSpec): Promise<RunningContainer> {
    const created = (await this.call('POST', '/containers/create', {
      image: spec.image,
      command: spec.command,
      env: spec.env,
      user: spec.user,
      labels: spec.labels,
      privileged: spec.privileged,
      ...(spec.capabilities ? { cap_drop: ['ALL'], cap_add: spec.capabilities } : {}),
      no_new_privileges: spec.noNewPrivileges ?? false,
      netns: { nsmode: spec.network ?? 'none' },
      mounts: spec.mounts.map((m) => ({ type: 'bind', source: m.hostPath, destination: m.containerPath, options: [m.readOnly ? 'ro' : 'rw'] })),
      resource_limits: {
        ...(spec.memoryBytes ? { memory: { limit: spec.memoryBytes, swap: spec.memoryBytes } } : {}),
        ...(spec.nanoCpus ? { cpu: { period: 100_000, quota: Math.round(spec.nanoCpus / 10_000) } } : {}),
        ...(spec.pidsLimit ? { pids: { limit: spec.pidsLimit } } : {}),
      },
    })) as { Id: string };
    const id = created.Id;
    try {
      // Attached before the start, the output comes straight from the container and ends with it
      // (following the logs instead ends up to half a second later: podman polls its log file).
      const output = await this.stream('POST', `/containers/${id}/attach?stream=true&stdout=true&stderr=true&logs=true`);
      await this.call('POST', `/containers/${id}/start`);
      return new PodmanContainer(this, id, output);
    } catch (e) {
      await this.call('DELETE', `/containers/${id}?force=true&timeout=0`).catch(() => {});
      throw e;
    }
  }

  async cleanup(isLive: (labels: Record<string, string>) => boolean): Promise<number> {
    const filters = encodeURIComponent(JSON.stringify({ label: ['abaco.execution'] }));
    const ours = (await this.call('GET', `/containers/json?all=true&filters=${filters}`)) as { Id: string; Labels: Record<string, string> | null }[];
    let removed = 0;
    for (const info of ours) {
      if (isLive(info.Labels ?? {})) continue;
      await this.call('DELETE', `/containers/${info.Id}?force=true&timeout=0`).catch(() => {});
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** One libpod API call; answers the parsed JSON (or text), throws on a status of 400 or more. */
  async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await this.client.request({
      method,
      path: `${API}${path}`,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new PodmanApiError(response.statusCode, message.trim());
    }
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  }

  /** A streamed answer (the output of a container). */
  async stream(method: 'GET' | 'POST', path: string): Promise<NodeJS.ReadableStream> {
    const response = await this.client.request({ method, path: `${API}${path}` });
    if (response.statusCode >= 400) throw new PodmanApiError(response.statusCode, await response.body.text());
    return response.body;
  }

  private async pull(image: string): Promise<void> {
    const response = await this.client.request({ method: 'POST', path: `${API}/images/pull?reference=${encodeURIComponent(image)}&quiet=false` });
    let failure: string | undefined;
    let pending = '';
    for await (const chunk of response.body) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { stream?: string; error?: string };
        if (event.error) failure = event.error;
        if (event.stream) this.options.onPullProgress?.(image, event.stream.trim());
      }
    }
    if (response.statusCode >= 400 || failure) throw new Error(failure ?? `pull answered ${response.statusCode}`);
  }
}

class PodmanContainer extends WatchedContainer {
  private ended = false;

  constructor(
    private readonly podman: PodmanRuntime,
    readonly id: string,
    output: NodeJS.ReadableStream,
  ) {
    super();
    void this.read(output);
    // libpod's wait answers fast (the Docker-compatible one is slow on podman 4.3); a slower look
    // at the container's state covers a wait that is never answered.
    const exit = Promise.race([podman.call('POST', `/containers/${id}/wait?condition=exited&interval=10ms`), this.exitSeen()]).then(async () => {
      this.ended = true;
      const state = ((await podman.call('GET', `/containers/${id}/json`)) as { State: PodmanState }).State;
      const finalState: FinalState = {
        Status: state.Status, Running: state.Running, Paused: state.Paused, Restarting: state.Restarting, OOMKilled: state.OOMKilled,
        Dead: state.Dead, Pid: state.Pid, ExitCode: state.ExitCode, Error: state.Error ?? '', StartedAt: state.StartedAt, FinishedAt: state.FinishedAt,
      };
      return { exitCode: state.ExitCode, oomKilled: state.OOMKilled, finalState };
    });
    this.watch(exit, STATS_EVERY_MS);
  }

  protected async stop(): Promise<void> {
    await this.podman.call('POST', `/containers/${this.id}/kill?signal=SIGKILL`);
  }

  async remove(): Promise<void> {
    await this.podman.call('DELETE', `/containers/${this.id}?force=true&timeout=0`).catch(() => {});
  }

  private async read(output: NodeJS.ReadableStream): Promise<void> {
    try {
      const demuxer = new DockerStreamDemuxer();
      for await (const data of output) for (const chunk of demuxer.push(data as Buffer)) this.output.push(chunk);
    } catch {
      // the container went away: the output ends here
    } finally {
      this.output.end();
    }
  }

  /** Resolves once an inspect shows the container exited (looked at every second until `wait` resolves). */
  private async exitSeen(): Promise<void> {
    while (!this.ended) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const info = (await this.podman.call('GET', `/containers/${this.id}/json`).catch(() => undefined)) as { State?: { Running?: boolean; Status?: string } } | undefined;
      if (!info || (!info.State?.Running && info.State?.Status !== 'created')) return;
    }
  }

  /** CPU nanoseconds and block IO bytes so far. */
  protected async sample(): Promise<Usage | undefined> {
    const stats = (await this.podman.call('GET', `/containers/stats?containers=${this.id}&stream=false`)) as { Stats?: { CPUNano?: number; BlockInput?: number; BlockOutput?: number }[] };
    const s = stats.Stats?.[0];
    return s ? { cpu: s.CPUNano ?? 0, io: (s.BlockInput ?? 0) + (s.BlockOutput ?? 0) } : undefined;
  }
}

interface PodmanState extends Omit<FinalState, 'Error'> {
  Error?: string;
}
