import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * What the console's pages may load and reach: only this server (scripts, styles, the API), no
 * inline script, no frames, no plugins. A token lives in the browser session's storage and goes in
 * a header, never in a URL.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Where the built console is (`@abaco/console`'s `dist/`), or null when it is not installed or not built. */
export function consoleRoot(): string | null {
  try {
    const root = join(dirname(createRequire(import.meta.url).resolve('@abaco/console/package.json')), 'dist');
    return existsSync(join(root, 'index.html')) ? root : null;
  } catch {
    return null;
  }
}

/**
 * Serves the web console at `/console/` (static files, outside the policy: they hold no data; every
 * datum the console shows comes from the API, which asks the policy), with {@link CONSOLE_CSP}.
 * Does nothing when the console is not there.
 */
export async function registerConsole(app: FastifyInstance, root = consoleRoot()): Promise<void> {
  if (!root) return;
  await app.register(fastifyStatic, {
    root,
    prefix: '/console/',
    decorateReply: false,
    index: ['index.html'],
    setHeaders: (res) => {
      res.setHeader('content-security-policy', CONSOLE_CSP);
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('cache-control', 'no-cache');
    },
  });
  // `/console` and `/console/` are one route here (the router ignores trailing slashes).
  app.get('/console', (_request, reply) => reply.redirect('/console/index.html'));
}
