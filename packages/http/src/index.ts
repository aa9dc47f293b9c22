export { buildServer, startServer } from './server.js';
export type { RouteEntry } from './route.js';
export { resolveOptions, type JwtOptions, type ServerOptions, type TokenUser } from './options.js';
export { Authenticator, mapRoles } from './auth/identify.js';
