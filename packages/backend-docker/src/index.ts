export { DockerRuntime, type DockerRuntimeOptions, type PullPolicy } from './docker-runtime.js';
export { dockerEndpoint } from './docker-host.js';
