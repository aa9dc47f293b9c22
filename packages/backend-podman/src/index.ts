export { PodmanRuntime, podmanSocket, type PodmanRuntimeOptions, type PullPolicy } from './podman-runtime.js';
