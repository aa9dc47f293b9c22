/**
 * Every key of the store is built here, so the layout can be read in one place. Records of a
 * tenant live under `t/<tenant>/`, except actors (`a/<tenant>/`) and workers (`w/<tenant>/`),
 * which the engine's background parts also scan across tenants. Ids, aliases and config names
 * never contain '/'.
 */
const t = (tenant: string) => `t/${tenant}/`;

export const keys = {
  actor: (tenant: string, id: string) => `a/${tenant}/${id}`,
  actors: (tenant: string) => `a/${tenant}/`,
  allActors: 'a/',
  state: (tenant: string, actorId: string) => `${t(tenant)}state/${actorId}`,
  alias: (tenant: string, alias: string) => `${t(tenant)}alias/${alias}`,
  aliases: (tenant: string) => `${t(tenant)}alias/`,
  nonce: (tenant: string, nonceId: string) => `${t(tenant)}nonce/${nonceId}`,
  nonces: (tenant: string) => `${t(tenant)}nonce/`,
  config: (tenant: string, name: string) => `${t(tenant)}config/${name}`,
  configs: (tenant: string) => `${t(tenant)}config/`,
  permissions: (tenant: string, kind: PermissionKind, name: string) => `${t(tenant)}perm/${kind}/${name}`,
  execution: (tenant: string, actorId: string, executionId: string) => `${t(tenant)}exec/${actorId}/${executionId}`,
  executions: (tenant: string, actorId: string) => `${t(tenant)}exec/${actorId}/`,
  log: (tenant: string, actorId: string, executionId: string) => `${t(tenant)}log/${actorId}/${executionId}`,
  logs: (tenant: string, actorId: string) => `${t(tenant)}log/${actorId}/`,
  results: (tenant: string, actorId: string, executionId: string) => `${t(tenant)}result/${actorId}/${executionId}/`,
  resultsOfActor: (tenant: string, actorId: string) => `${t(tenant)}result/${actorId}/`,
  worker: (tenant: string, actorId: string, workerId: string) => `w/${tenant}/${actorId}/${workerId}`,
  workers: (tenant: string, actorId: string) => `w/${tenant}/${actorId}/`,
  workersOfTenant: (tenant: string) => `w/${tenant}/`,
  allWorkers: 'w/',
  /** Expiry index: `exp/<time>/<key>` for every log that expires, so the sweeper reads only what is due. */
  expiry: (at: string, key: string) => `exp/${at}/${key}`,
  /** Open-log index: `lopen/<log key>` for every log still written without an expiry, so recovery finds those of dead executions. */
  openLog: (key: string) => `lopen/${key}`,
  openLogs: 'lopen/',
  /**
   * Search index of executions by status, across a tenant's actors:
   * `t/<tenant>/xs/<status>/<messageReceivedTime>/<actorId>/<executionId>` (see search/execution-index.ts).
   */
  executionsByStatus: (tenant: string) => `${t(tenant)}xs/`,
  /** Search index of one actor's executions by status: `t/<tenant>/xa/<actorId>/<status>/<messageReceivedTime>/<executionId>`. */
  executionsOfActorByStatus: (tenant: string, actorId: string) => `${t(tenant)}xa/${actorId}/`,
  /** Set once the execution index holds every execution (its value is the index's version). */
  executionIndexBuilt: 'meta/execution-index',
  /**
   * A running execution's log, written in chunks as its output comes: `lchunk/<log key>/<n>`. When
   * the execution ends they are gathered into its log record and removed (see execution/logs.ts).
   */
  logChunk: (key: string, n: number) => `lchunk/${key}/${String(n).padStart(8, '0')}`,
  logChunks: (key: string) => `lchunk/${key}/`,
  /**
   * A binary message's bytes kept in the store (in a cluster, see execution/payloads.ts): its head
   * `payload/<tenant>/<actorId>/<executionId>` and its chunks under `pchunk/<tenant>/<actorId>/<executionId>/<n>`.
   */
  payload: (tenant: string, actorId: string, executionId: string) => `payload/${tenant}/${actorId}/${executionId}`,
  payloadsOfActor: (tenant: string, actorId: string) => `payload/${tenant}/${actorId}/`,
  allPayloads: 'payload/',
  payloadChunk: (tenant: string, actorId: string, executionId: string, n: number) => `pchunk/${tenant}/${actorId}/${executionId}/${String(n).padStart(8, '0')}`,
  payloadChunks: (tenant: string, actorId: string, executionId: string) => `pchunk/${tenant}/${actorId}/${executionId}/`,
  payloadChunksOfActor: (tenant: string, actorId: string) => `pchunk/${tenant}/${actorId}/`,
  /**
   * Names of the activity tallies (see execution/activity.ts; each is stored under {@link keys.tally}):
   * an actor's minute `activity/<tenant>/<actorId>/<YYYY-MM-DDTHH:MM>` and the tenant's
   * `tactivity/<tenant>/<YYYY-MM-DDTHH:MM>`, with an expiry index `aexp/<time>/<tally name>`.
   */
  actorActivity: (tenant: string, actorId: string, minute: string) => `activity/${tenant}/${actorId}/${minute}`,
  actorActivities: (tenant: string, actorId: string) => `activity/${tenant}/${actorId}/`,
  tenantActivity: (tenant: string, minute: string) => `tactivity/${tenant}/${minute}`,
  tenantActivities: (tenant: string) => `tactivity/${tenant}/`,
  activityExpiry: (at: string, name: string) => `aexp/${at}/${name}`,
  activityExpiries: 'aexp/',
  /** A node of the engines sharing the store (see engine/nodes.ts). */
  node: (id: string) => `node/${id}`,
  allNodes: 'node/',
  /** The record locked (never written) while one node starts an actor's workers (see execution/workers.ts). */
  spawnLock: (actorDbId: string) => `lock/spawn/${actorDbId}`,
  /** The record locked while one node builds the execution index (see engine/abaco.ts). */
  executionIndexLock: 'lock/execution-index',
  /** A tally's counts (see store/tally.ts). */
  tally: (name: string) => `tally/${name}`,
};

/** Whether `key` is a record that may be megabytes: an execution's log (up to a million characters) or an actor's state. */
export function mayBeLarge(key: string): boolean {
  return /^t\/[^/]*\/(log|state)\//.test(key);
}

/** The kinds of record that carry their own permissions. */
export type PermissionKind = 'actor' | 'alias' | 'config';
