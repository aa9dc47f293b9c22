export { serve, type Served } from './serve/serve.js';
export { loadConfig, DEFAULTS, type ServeConfig } from './serve/config.js';
