import { resolve } from 'node:path';
import { Abaco, SecretBox } from '@abaco/core';
import { startServer, type JwtOptions, type ServerOptions } from '@abaco/http';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { readUsers, tapisOptions, type ServeConfig } from './config.js';
import { keptSecret } from './data-dir.js';
import { checkSecretKey, nodeIdOf, openCluster } from './cluster.js';
import { chooseRuntime, runtimeLine } from './runtime.js';

export interface Served {
  url: string;
  adminToken: string;
  /** Stops accepting requests, lets running executions finish (killing them after `graceMs`), closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/** Composes engine, runtime and HTTP server from a serve configuration. */
export async function serve(config: ServeConfig, say: (line: string) => void, warn: (line: string) => void): Promise<Served> {
  const dataDir = resolve(config.dataDir);
  const admin = config.adminToken ? { value: config.adminToken, created: false } : keptSecret(dataDir, 'admin-token');
  const secretKey = keptSecret(dataDir, 'secret.key', SecretBox.newKey).value;
  const jwt: JwtOptions | undefined =
    config.jwtHs256Secret || config.jwtRs256Key || config.jwksUrl
      ? {
          hs256Secret: config.jwtHs256Secret,
          rs256PublicKey: config.jwtRs256Key ? readFileSync(config.jwtRs256Key, 'utf8') : undefined,
          jwksUrl: config.jwksUrl,
          userClaim: config.jwtUserClaim,
          tenantClaim: config.jwtTenantClaim,
          rolesClaim: config.jwtRolesClaim,
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
        }
      : undefined;
  // Files are read and checked before anything is opened.
  const options: ServerOptions & { host: string; port: number } = {
    host: config.host,
    port: config.port,
    casing: config.case,
    publicUrl: config.publicUrl,
    maxMessageBytes: config.maxMessageBytes,
    tokens: config.users ? readUsers(config.users) : {},
    adminToken: admin.value,
    defaultTenant: config.tenant,
    jwt,
    wso2PublicKey: config.wso2Key ? readFileSync(config.wso2Key, 'utf8') : undefined,
    wso2Keys: config.wso2TenantKeys && Object.fromEntries(Object.entries(config.wso2TenantKeys).map(([tenant, file]) => [tenant, readFileSync(file, 'utf8')])),
    wso2TenantClaim: config.wso2TenantClaim,
    tapis: tapisOptions(config),
    corsOrigins: config.corsOrigins,
  };
  const logger = pino({ level: process.env.ABACO_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const settings = { secretKey, ...config.settings, ...config.limits, ...apiServerOf(config) };
  const nodeId = nodeIdOf(config.nodeId, config.port);
  const cluster = config.store ? await openCluster(config.store, nodeId, settings.secretKey, (e) => logger.warn({ err: e }, 'PostgreSQL')) : undefined;
  if (cluster) {
    await checkSecretKey(cluster.store, settings.secretKey, resolve(dataDir, 'secret.key')).catch(async (e: unknown) => {
      await Promise.all([cluster.bus.close(), cluster.leadership.close()]);
      await cluster.store.close();
      throw e;
    });
  }
  const runtime = await chooseRuntime(config, say, warn);
  const abaco = await Abaco.open({
    ...(cluster
      ? { store: cluster.store, inbox: cluster.inbox, bus: cluster.bus, nodeId, cluster: { leadership: cluster.leadership } }
      : { dataDir: resolve(dataDir, 'store'), nodeId }),
    runtime,
    logger,
    // A node of a cluster spools binary messages in a folder of its own: nodes may share a data directory.
    settings: { spoolDir: cluster ? resolve(dataDir, 'spool', nodeId) : resolve(dataDir, 'spool'), ...settings },
  });
  // A server option the HTTP layer refuses (a bad users file entry, a bad key) stops the start: the engine is closed first.
  const { app, url } = await startServer(abaco, options).catch(async (e: unknown) => {
    await abaco.close({ kill: true });
    throw e;
  });
  if (admin.created) say(`admin token (kept in ${resolve(dataDir, 'admin-token')}): ${admin.value}`);
  say(runtimeLine(runtime));
  say(`data: ${dataDir}`);
  if (cluster) say(`store: ${cluster.shown}; node: ${nodeId}${abaco.isLeader ? ' (leader)' : ''}`);
  say(`listening on ${url}`);
  return {
    url,
    adminToken: admin.value,
    async stop(graceMs = 10_000) {
      await app.close();
      await abaco.close({ graceMs });
    },
  };
}

/**
 * Where actors reach the API (`_abaco_api_server`, `api_server`): the public URL, else the configured
 * one, else where this server listens (unknown before it listens on a port chosen by the system: 0).
 */
function apiServerOf(config: ServeConfig): { apiServer?: string } {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const apiServer = config.publicUrl ?? config.settings?.apiServer ?? (config.port !== 0 ? `http://${host}:${config.port}` : undefined);
  return apiServer === undefined ? {} : { apiServer };
}
