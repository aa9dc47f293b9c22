import { ProcessRuntime, type ContainerRuntime } from '@abaco/core';
import type { ServeConfig } from './config.js';

/** The runtime `--runtime` names; `auto` takes the first reachable engine, else the process runtime. */
export async function chooseRuntime(config: ServeConfig, warn: (message: string) => void): Promise<ContainerRuntime> {
  if (config.runtime === 'process' || config.runtime === 'auto') {
    if (config.runtime === 'auto') warn('No container engine is reachable: actors run as host processes (the process runtime), without isolation.');
    return new ProcessRuntime({ images: config.images });
  }
  throw new Error(`The ${config.runtime} runtime is not available in this build.`);
}
