export { PodmanRuntime, podmanSocket, type PodmanRuntimeOptions } from './podman-runtime.js';
