import { DockerRuntime } from '@abaco/backend-docker';
import { PodmanRuntime } from '@abaco/backend-podman';
import { ProcessRuntime, type ContainerRuntime } from '@abaco/core';
import type { ServeConfig } from './config.js';

/**
 * The runtime `--runtime` names. `auto` takes the first reachable engine (docker at DOCKER_HOST or
 * --docker-host, then podman at CONTAINER_HOST or --podman-host), else runs actors as host processes.
 * Image pulls report their progress through `say`.
 */
export async function chooseRuntime(config: ServeConfig, say: (line: string) => void, warn: (message: string) => void): Promise<ContainerRuntime> {
  const onPullProgress = (image: string, status: string) => say(`pulling ${image}: ${status}`);
  const docker = () => DockerRuntime.connect({ host: config.dockerHost, pullPolicy: config.pullPolicy, onPullProgress });
  const podman = () => PodmanRuntime.connect({ host: config.podmanHost, pullPolicy: config.pullPolicy, onPullProgress });
  const processes = () => new ProcessRuntime({ images: config.images });
  if (config.runtime === 'docker') return docker();
  if (config.runtime === 'podman') return podman();
  if (config.runtime === 'process') return processes();
  const reasons: string[] = [];
  for (const connect of [docker, podman]) {
    try {
      return await connect();
    } catch (e) {
      reasons.push((e as Error).message);
    }
  }
  warn(`No container engine is reachable (${reasons.join('; ')}): actors run as host processes (the process runtime), without isolation.`);
  return processes();
}
