import { userInfo } from 'node:os';
import { DockerRuntime } from '@abaco/backend-docker';
import { PodmanRuntime } from '@abaco/backend-podman';
import { ProcessRuntime, type ContainerRuntime } from '@abaco/core';
import type { ServeConfig } from './config.js';

/**
 * The runtime `--runtime` names. `auto` takes the first reachable engine (docker at DOCKER_HOST or
 * --docker-host, then podman at CONTAINER_HOST or --podman-host), else runs actors as host processes
 * and warns loudly through `warn`. Image pulls report their progress through `say`.
 */
export async function chooseRuntime(config: ServeConfig, say: (line: string) => void, warn: (message: string) => void): Promise<ContainerRuntime> {
  const runtime = await connectRuntime(config, say, warn);
  if (config.allowHostExecutables && !(runtime instanceof ProcessRuntime)) warn(`--allow-host-executables is ignored: it applies to the process runtime only, and the runtime is ${runtime.name}.`);
  return runtime;
}

async function connectRuntime(config: ServeConfig, say: (line: string) => void, warn: (message: string) => void): Promise<ContainerRuntime> {
  const onPullProgress = (image: string, status: string) => say(`pulling ${image}: ${status}`);
  const docker = () => DockerRuntime.connect({ host: config.dockerHost, pullPolicy: config.pullPolicy, onPullProgress });
  const podman = () => PodmanRuntime.connect({ host: config.podmanHost, pullPolicy: config.pullPolicy, onPullProgress });
  const processes = () => new ProcessRuntime({ images: config.images, allowHostExecutables: config.allowHostExecutables });
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
  const runtime = processes();
  warn(fallbackWarning(reasons, runtime));
  return runtime;
}

/** The start line naming the runtime; for the process runtime, what it runs and that nothing is isolated. */
export function runtimeLine(runtime: ContainerRuntime): string {
  if (!(runtime instanceof ProcessRuntime)) return `runtime: ${runtime.name}`;
  return `runtime: process (host processes, no isolation); ${imagesOf(runtime)}`;
}

/** The images of the process runtime (the user guide's samples and the config file's map), and whether host paths run. */
function imagesOf(runtime: ProcessRuntime): string {
  const listed = `images: ${runtime.imageNames.join(', ')} (add others with an "images" map in the --config file)`;
  return `${listed}; absolute paths of host executables: ${runtime.allowHostExecutables ? 'allowed (--allow-host-executables)' : 'refused'}`;
}

/** What `--runtime auto` says when no engine answers and actors run as host processes. */
function fallbackWarning(reasons: string[], runtime: ProcessRuntime): string {
  const me = userInfo();
  const asWhom =
    me.uid === 0
      ? 'as the uid:gid that the "userIds" setting gives the actor\'s owner, else as "defaultContainerUser" (65534:65534, nobody, unless set)'
      : `as ${me.username} (uid ${me.uid}), the user running abaco serve, whatever the "userIds" setting says`;
  return [
    'actors run as host processes, with NO ISOLATION: no container engine is reachable.',
    `  Tried: ${reasons.join('; ')}`,
    `  Each execution is a process of this machine, running ${asWhom}.`,
    "  It can read and change whatever that user can (files, network, other processes); no memory or CPU limit applies.",
    `  Whoever may register an actor runs these programs: ${imagesOf(runtime)}.`,
    '  To run actors in containers, start Docker or Podman (or point --docker-host / --podman-host at one) and restart.',
    '  To use host processes on purpose and silence this warning, run with --runtime process.',
  ].join('\n');
}
