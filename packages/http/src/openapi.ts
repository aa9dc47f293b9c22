import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { apiOf } from './envelope.js';
import { COMPONENT_SCHEMAS, operationSchema, SECURITY_SCHEMES } from './openapi-operations.js';
import type { ResolvedOptions } from './options.js';
import { API_PREFIXES, type RouteEntry } from './route.js';

/** Where each prefix publishes the document. */
export const OPENAPI_PATHS = API_PREFIXES.map(({ prefix }) => `${prefix}/openapi.json`);

/**
 * Documents the API with @fastify/swagger (OpenAPI 3.1): every route of `routes` at each path it
 * is served at, with its body, query and path parameters, answers and the identities it accepts,
 * from the route table, the policy and core's input schemas. Routes outside the table (`/metrics`,
 * the documents themselves) are described as readable without a token. Register it before the routes.
 */
export async function registerOpenApi(app: FastifyInstance, routes: RouteEntry[], options: ResolvedOptions): Promise<void> {
  const served = new Map<string, RouteEntry>();
  for (const route of routes) for (const url of route.urls) served.set(`${route.method} ${url}`, route);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Abaco API',
        version: options.version,
        description:
          'Functions-as-a-service on the actor model. The same routes are served under /actors and /actors/v2 (Abaco v2) and /v3/actors (Tapis v3, whose envelope adds metadata). ' +
          `Fields are shown in ${options.casing === 'snake' ? 'snake_case' : 'camelCase'}; bodies may use either. An X-Jwt-Assertion-<TENANT> header (Abaco v2 WSO2 JWT) is accepted too.`,
      },
      components: { securitySchemes: SECURITY_SCHEMES, schemas: COMPONENT_SCHEMAS },
    },
    transform: ({ url, route }) => {
      const method = String(route.method);
      const entry = served.get(`${method} ${url}`);
      if (entry) return { url, schema: operationSchema(entry, url, apiOf(url), options.casing) as never };
      const summary = OPENAPI_PATHS.includes(url) ? 'This document (OpenAPI 3.1)' : 'Metrics in the Prometheus text format';
      return { url, schema: { summary, operationId: `get${url.replace(/\W+(\w)/g, (_, c: string) => c.toUpperCase())}`, security: [], tags: ['Operators'] } as never };
    },
  });
}

/** Serves the document at each prefix's `openapi.json`, to anyone: it describes the API and holds no data. */
export function serveOpenApi(app: FastifyInstance): void {
  for (const path of OPENAPI_PATHS) app.get(path, async () => app.swagger());
}
