export { buildServer, startServer } from './server.js';
export type { RouteEntry } from './route.js';
export { resolveOptions, type JwtOptions, type ServerOptions, type TapisOptions, type TokenUser } from './options.js';
export { Authenticator } from './auth/identify.js';
export { mapRoles } from './auth/roles.js';
