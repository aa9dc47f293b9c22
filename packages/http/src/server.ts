import type { Abaco } from '@abaco/core';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import { Authenticator } from './auth/identify.js';
import { registerConsole } from './console.js';
import { registerBodyParsers } from './body.js';
import { LogStreams } from './log-stream.js';
import { apiOf, envelope, errorStatus, NO_ROUTE } from './envelope.js';
import { Metrics } from './metrics.js';
import { registerOpenApi, serveOpenApi } from './openapi.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { API_PREFIXES, mount, routeEntries, routeTable } from './route.js';
import { actorRoutes } from './routes/actors.js';
import { executionRoutes } from './routes/executions.js';
import { messageRoutes } from './routes/messages.js';
import { sharingRoutes } from './routes/sharing.js';
import { workerRoutes } from './routes/workers.js';
import { reportRoutes } from './routes/reports.js';
import { rootRoutes } from './routes/root.js';
import { searchRoutes } from './routes/search.js';
import { statsRoutes } from './routes/stats.js';

/**
 * The Abaco REST API over an engine, as a Fastify instance (not listening yet). Every route is
 * served under `/actors` and `/actors/v2` (the Abaco v2 API) and `/v3/actors` (the Tapis v3 Actors
 * API: the same handlers, v3's envelope); `/metrics` and the operators' routes are at the root, and the
 * web console (when `@abaco/console` is built) at `/console/`.
 */
export async function buildServer(abaco: Abaco, serverOptions: ServerOptions = {}): Promise<FastifyInstance> {
  const options = resolveOptions(serverOptions);
  const app = Fastify({ bodyLimit: options.maxBodyBytes, routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }, logger: false });
  const auth = new Authenticator(abaco, options);
  const metrics = new Metrics();
  // Open log streams end when the server closes (else it would wait for each to end by itself).
  const streams = new LogStreams();
  app.addHook('preClose', (done) => {
    streams.endAll();
    done();
  });
  const apiRoutes = routeTable(sharingRoutes, reportRoutes, statsRoutes, searchRoutes, workerRoutes, actorRoutes, messageRoutes, executionRoutes(streams));
  const operatorRoutes = routeTable(rootRoutes);
  app.decorate('abacoRoutes', [...routeEntries(apiRoutes, API_PREFIXES.map((p) => p.prefix)), ...routeEntries(operatorRoutes, [''])]);

  // Browsers may call the API only from the origins the deployment names (none by default: then no CORS hook runs at all).
  if (options.corsOrigins.length > 0) await app.register(cors, { origin: options.corsOrigins, credentials: true, methods: ['GET', 'POST', 'PUT', 'DELETE'] });
  // Hooks on every request take a callback rather than return a promise: one promise and microtask less each.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff'); // container output is never taken for HTML
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.record(request.method, request.routeOptions.url ?? 'unknown', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  registerBodyParsers(app, options);
  await registerOpenApi(app, app.abacoRoutes, options);

  app.setErrorHandler((error, request, reply) => {
    const { code, message, unexpected } = errorStatus(error, options.maxMessageBytes);
    if (unexpected) abaco.log.error({ err: error, url: request.url, method: request.method }, 'unexpected error');
    return reply.code(code).send(envelope(apiOf(request.url), 'error', message, null, options.version));
  });
  app.setNotFoundHandler((request, reply) => reply.code(405).send(envelope(apiOf(request.url), 'error', NO_ROUTE, null, options.version)));

  const context = { abaco, auth, options };
  for (const { prefix, api } of API_PREFIXES) await app.register(async (scope) => mount(scope, apiRoutes, prefix, api, context), { prefix });
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(await metrics.render(abaco)));
  mount(app, operatorRoutes, '', 'v2', context);
  serveOpenApi(app);
  await registerConsole(app);
  return app;
}

/** Builds the server and listens; resolves with its URL. Binds 127.0.0.1 unless told otherwise. */
export async function startServer(abaco: Abaco, options: ServerOptions & { host?: string; port?: number } = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer(abaco, options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 8000 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
