export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { dockerEndpoint } from './docker-host.js';
