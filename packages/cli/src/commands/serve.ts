import { Command, Flags } from '@oclif/core';
import { loadConfig, type ServeConfig } from '../serve/config.js';
import { serve } from '../serve/serve.js';

/** `TENANT=FILE` pairs as a map of tenant to file. */
function tenantKeys(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const cut = pair.indexOf('=');
      if (cut <= 0) throw new Error(`--wso2-tenant-key ${pair}: expected TENANT=FILE`);
      return [pair.slice(0, cut), pair.slice(cut + 1)];
    }),
  );
}

/**
 * `[TENANT=]VALUE` flags as a map of tenant to value; a value without a tenant is for every tenant
 * without one of its own (`*`). A tenant is 1 to 64 letters, digits, '_', '.' or '-', so that paths
 * and URLs (which hold '/' or ':' before any '=') are never taken for one.
 */
function perTenant(flag: string, values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const map: Record<string, string> = {};
  for (const given of values) {
    const m = /^([A-Za-z0-9_.-]{1,64})=(.+)$/.exec(given);
    const [tenant, value] = m ? [m[1]!, m[2]!] : ['*', given];
    if (tenant in map) throw new Error(`--${flag}: ${tenant === '*' ? 'the value for any tenant' : `tenant ${tenant}`} is given twice.`);
    map[tenant] = value;
  }
  return map;
}

export default class Serve extends Command {
  static override summary = 'Run the Abaco API server: engine, container runtime and HTTP API in one process.';
  static override description = `With no flags it works on a fresh machine: data in ./abaco-data, the first reachable container
runtime (docker, podman, else host processes, with a loud warning), and an admin token printed at the first
start and kept in the data directory. Every flag can also be set in a JSON file given with --config (same names
in camelCase, plus "settings" for engine settings and "images" for the process runtime); flags win.

The process runtime runs actors as processes of this machine, without isolation: only the images of its
"images" map, unless --allow-host-executables also lets absolute paths of host executables run as images.`;

  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 8080 --runtime docker --users users.json',
    '<%= config.bin %> serve --store postgres://abaco@db.example.org/abaco --node-id node1 --max-workers-per-node 16',
    '<%= config.bin %> serve --config abaco.json --case camel --public-url https://abaco.example.org',
    '<%= config.bin %> serve --tapis-key tacc=tacc.pem --tapis-issuer tacc=https://tacc.tapis.io/v3/tokens --tapis-roles roles.json',
  ];

  static override flags = {
    config: Flags.file({ description: 'JSON file with any of these settings', exists: true }),
    host: Flags.string({ description: 'address to listen on (default 127.0.0.1)' }),
    port: Flags.integer({ description: 'port to listen on (default 8000; 0 picks a free one)' }),
    'data-dir': Flags.string({ description: 'where records, spooled messages, the admin token and the secrets key are kept (default ./abaco-data)' }),
    runtime: Flags.string({ description: 'what runs actors (default auto)', options: ['auto', 'docker', 'podman', 'process'] }),
    store: Flags.string({ description: 'a PostgreSQL store shared by several abaco serve nodes: postgres://user@host:port/db[?schema=NAME] (default: the embedded store in the data directory)', env: 'ABACO_STORE' }),
    'node-id': Flags.string({ description: 'this node\'s id among the nodes of a --store (default: host name and port)' }),
    'allow-host-executables': Flags.boolean({ description: 'process runtime: also run absolute paths of host executables as images (trusted users only)' }),
    users: Flags.file({ description: 'users file: {"tokens": {"<token>": {"user", "tenant", "roles"}}}', exists: true }),
    'admin-token': Flags.string({ description: 'token of an admin of the default tenant (else one is made and kept)', env: 'ABACO_ADMIN_TOKEN' }),
    tenant: Flags.string({ description: 'default tenant (default TACC)' }),
    case: Flags.string({ description: 'casing of responses (default snake)', options: ['snake', 'camel'] }),
    'public-url': Flags.string({ description: 'public base URL for _links and _abaco_api_server' }),
    'max-message-bytes': Flags.integer({ description: 'largest binary message (default 500 MB)' }),
    'jwt-hs256-secret': Flags.string({ description: 'secret verifying HS256 bearer JWTs', env: 'ABACO_JWT_SECRET' }),
    'jwt-rs256-key': Flags.file({ description: 'PEM public key verifying RS256 bearer JWTs', exists: true }),
    'jwks-url': Flags.string({ description: 'JWKS URL verifying RS256 bearer JWTs' }),
    'jwt-user-claim': Flags.string({ description: 'JWT claim naming the user (default sub)' }),
    'jwt-tenant-claim': Flags.string({ description: 'JWT claim naming the tenant (default tenant)' }),
    'jwt-roles-claim': Flags.string({ description: 'JWT claim holding the roles (default roles)' }),
    'jwt-issuer': Flags.string({ description: 'the iss bearer JWTs must carry (set it in production)' }),
    'jwt-audience': Flags.string({ description: 'the aud bearer JWTs must carry (set it in production)' }),
    'wso2-key': Flags.file({ description: 'PEM public key verifying X-Jwt-Assertion-<TENANT> headers of tenants without a key of their own; such JWTs must name their tenant in --wso2-tenant-claim', exists: true }),
    'wso2-tenant-key': Flags.string({ description: 'TENANT=FILE: PEM public key verifying the X-Jwt-Assertion-TENANT headers of one tenant (repeatable)', multiple: true }),
    'wso2-tenant-claim': Flags.string({ description: 'signed claim naming the tenant of a WSO2 JWT (default http://wso2.org/claims/tenant)' }),
    'tapis-key': Flags.string({
      description: '[TENANT=]FILE: PEM public key verifying the X-Tapis-Token (Tapis v3) access tokens of TENANT (its signed tapis/tenant_id), or without TENANT of every tenant without a key of its own (repeatable)',
      multiple: true,
    }),
    'tapis-jwks-url': Flags.string({ description: '[TENANT=]URL: JWKS whose keys verify the X-Tapis-Token tokens of TENANT, or of every tenant without its own (repeatable)', multiple: true }),
    'tapis-issuer': Flags.string({ description: '[TENANT=]ISS: the iss the X-Tapis-Token tokens of TENANT (or of the others) must carry, e.g. https://tacc.tapis.io/v3/tokens (repeatable; set it in production)', multiple: true }),
    'tapis-roles': Flags.file({ description: 'roles of Tapis users: {"user@tenant": ["abaco_admin" | "abaco_privileged"]}; users not listed take their users-file roles, else user', exists: true }),
    'cors-origin': Flags.string({ description: 'an origin whose web pages may call the API from a browser, with credentials (repeatable; default none)', multiple: true }),
    'docker-host': Flags.string({ description: 'Docker socket (default DOCKER_HOST or /var/run/docker.sock)' }),
    'podman-host': Flags.string({ description: 'Podman socket (default CONTAINER_HOST or the usual podman sockets)' }),
    'max-workers-per-actor': Flags.integer({ description: 'workers a stateless actor may have when it sets no maxWorkers (default 6)' }),
    'max-workers-per-node': Flags.integer({ description: 'workers the autoscaler may run on this node, all actors together, shared fairly between actors with messages (default 4 per CPU)', min: 1 }),
    'sync-timeout': Flags.integer({ description: 'seconds a synchronous message waits before answering with the execution id (default 30)' }),
    'log-ex-limit': Flags.integer({ description: 'most seconds an actor may keep its logs (default 86400)' }),
    'log-max-chars': Flags.integer({ description: 'log size kept per execution, in characters (default 1000000)' }),
    'pull-policy': Flags.string({ description: 'when container engines pull images (default if-missing)', options: ['always', 'if-missing', 'never'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const limits = {
      maxWorkersPerActor: flags['max-workers-per-actor'],
      maxWorkersPerNode: flags['max-workers-per-node'],
      syncTimeoutMs: flags['sync-timeout'] === undefined ? undefined : flags['sync-timeout'] * 1000,
      logExLimit: flags['log-ex-limit'],
      logMaxChars: flags['log-max-chars'],
    };
    const config = loadConfig(flags.config, {
      host: flags.host,
      port: flags.port,
      dataDir: flags['data-dir'],
      runtime: flags.runtime as ServeConfig['runtime'] | undefined,
      store: flags.store,
      nodeId: flags['node-id'],
      allowHostExecutables: flags['allow-host-executables'],
      users: flags.users,
      adminToken: flags['admin-token'],
      tenant: flags.tenant,
      case: flags.case as ServeConfig['case'] | undefined,
      publicUrl: flags['public-url'],
      maxMessageBytes: flags['max-message-bytes'],
      jwtHs256Secret: flags['jwt-hs256-secret'],
      jwtRs256Key: flags['jwt-rs256-key'],
      jwksUrl: flags['jwks-url'],
      jwtUserClaim: flags['jwt-user-claim'],
      jwtTenantClaim: flags['jwt-tenant-claim'],
      jwtRolesClaim: flags['jwt-roles-claim'],
      wso2Key: flags['wso2-key'],
      wso2TenantKeys: flags['wso2-tenant-key'] === undefined ? undefined : tenantKeys(flags['wso2-tenant-key']),
      wso2TenantClaim: flags['wso2-tenant-claim'],
      tapisKey: perTenant('tapis-key', flags['tapis-key']),
      tapisJwksUrl: perTenant('tapis-jwks-url', flags['tapis-jwks-url']),
      tapisIssuer: perTenant('tapis-issuer', flags['tapis-issuer']),
      tapisRoles: flags['tapis-roles'],
      jwtIssuer: flags['jwt-issuer'],
      jwtAudience: flags['jwt-audience'],
      corsOrigins: flags['cors-origin'],
      dockerHost: flags['docker-host'],
      podmanHost: flags['podman-host'],
      pullPolicy: flags['pull-policy'] as ServeConfig['pullPolicy'] | undefined,
      limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
    });
    // Warnings as written (oclif's warn would rewrap their lines), on stderr.
    const served = await serve(config, (line) => this.log(line), (text) => this.logToStderr(`WARNING: ${text}`));
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        this.log(`${signal}: stopping (running executions get 10 s to finish)`);
        void served.stop().then(resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    this.log('stopped');
  }
}
