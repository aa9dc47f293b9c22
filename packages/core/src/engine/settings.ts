import { availableParallelism, networkInterfaces } from 'node:os';
import type { Mount } from '../model/actor.js';

/** Deployment settings of an engine. Every field has a default; see `defaultSettings`. */
export interface Settings {
  /** The public base URL of the API, injected as `_abaco_api_server` and used in links. */
  apiServer: string;
  /** The `token` of an actor registered without one. */
  tokenDefault: boolean;
  /** Queues actors may be put on (`queue`). */
  queues: string[];
  /**
   * Mounts given to every actor's containers. Host paths may hold `{username}` and `{tenant_id}`;
   * `privilegedMounts` are added for privileged actors only.
   */
  globalMounts: Mount[];
  privilegedMounts: Mount[];
  /**
   * The `uid:gid` each user's containers run as (upstream: the owner's TACC account), for actors that
   * set neither `uid` nor `useContainerUid`. Users not listed run as `defaultContainerUser`.
   */
  userIds: Record<string, string>;
  /**
   * The tenants where an actor may run as the user who sent it the message (`runAsExecutor`), each
   * with the `uid:gid` of its users, e.g. `{ "TACC": { "jdoe": "1000:1000" } }` (upstream reads them
   * from TACC's accounting system). Elsewhere `runAsExecutor` is refused. Cron and event messages,
   * which no user sent, run as the actor's owner.
   */
  runAsExecutor: Record<string, Record<string, string>>;
  /**
   * The `uid:gid` containers run as when neither the actor (`uid`, `useContainerUid`) nor `userIds`
   * names one: `nobody` (65534:65534) by default; null runs them as their image's user (often root).
   */
  defaultContainerUser: string | null;
  /**
   * Limits of every container whose actor sets none of its own (an actor's `memLimit` and `maxCpus`,
   * which only admins and privileged users may set, win): memory in Docker's format (`512m`, `2g`)
   * and CPU in nano-CPUs (1e9 is one CPU); null for no limit.
   */
  containerMemLimit: string | null;
  containerMaxCpus: number | null;
  /**
   * The most processes (threads included) one container may have at once, for every actor: a fork
   * bomb stops there. Besides the limits, containers of actors that are not privileged run with no
   * Linux capability and with `no-new-privileges` (not settings: always).
   */
  containerPidsLimit: number;
  /** Key for actor config secrets: 32 bytes as 64 hex characters or base64. Without it, secrets are refused. */
  secretKey?: string;
  /** Workers a stateless actor may have when its own maxWorkers is not set. */
  maxWorkersPerActor: number;
  /**
   * Workers this node runs at once, all actors together, that the autoscaler may fill: it shares
   * them fairly between the actors with work (workers started by hand, and each actor's first, are
   * not held back). Default: four per CPU.
   */
  maxWorkersPerNode: number;
  /** Whether the autoscaler resizes stateless actors' worker pools; and how often it runs (ms). */
  autoscaling: boolean;
  autoscaleIntervalMs: number;
  /** How long a worker the autoscaler no longer needs stays idle before it is stopped (ms). */
  autoscaleIdleMs: number;
  /** How long an actor with the `sync` hint keeps one idle worker (ms). */
  syncMaxIdleMs: number;
  /** How often the cron scheduler looks for due actors (ms); 0 leaves it to `abaco.cron.tick()`. */
  cronIntervalMs: number;
  /**
   * How often the health check settles the leases and records of workers that are gone, and cleans
   * what dead executions left: access tokens, logs without expiry, spool files (ms).
   */
  healthCheckIntervalMs: number;
  /**
   * How often this node writes its heartbeat in the store (ms); a node whose heartbeat is three
   * intervals old is presumed dead.
   */
  heartbeatIntervalMs: number;
  /**
   * How long a worker's lease of a message lasts unless extended (ms): a running execution's worker
   * extends it every `heartbeatIntervalMs`; a lease that lapses (its worker or node stopped
   * extending it) is settled by the leader's reaper as a dead worker's lease.
   */
  leaseTtlMs: number;
  /** How often an idle worker looks at its inbox when no notification came (ms). */
  workerPollMs: number;
  /** Log size kept per execution (characters); the rest is cut with a marker. */
  logMaxChars: number;
  /** Seconds logs are kept when the actor sets no logEx, and the most an actor may set. */
  logExDefault: number;
  logExLimit: number;
  /** How long results wait to be read (ms). */
  resultTtlMs: number;
  /** A synchronous message is refused when more messages than this are already queued. */
  syncMaxQueued: number;
  /** How long a synchronous message waits before answering with the execution id (ms). */
  syncTimeoutMs: number;
  /** Consecutive container start failures that put an actor in ERROR. */
  maxStartFailures: number;
  /** Network mode of actor containers. */
  network: string;
  /** Keep containers after their execution, for debugging. */
  leaveContainers: boolean;
  /** The most records one search may return (`limit`). */
  searchMaxLimit: number;
  /** The address of this node, shown as its workers' `host_ip`: by default its first external IPv4 address. */
  hostIp: string;
  /** Where results sockets, FIFOs and binary messages are kept while executions run. */
  spoolDir?: string;
}

export function defaultSettings(): Settings {
  return {
    apiServer: 'http://127.0.0.1:8000',
    tokenDefault: false,
    queues: ['default'],
    globalMounts: [],
    privilegedMounts: [],
    userIds: {},
    runAsExecutor: {},
    defaultContainerUser: '65534:65534',
    containerMemLimit: '2g',
    containerMaxCpus: 1_000_000_000,
    containerPidsLimit: 512,
    maxWorkersPerActor: 6,
    maxWorkersPerNode: 4 * availableParallelism(),
    autoscaling: true,
    autoscaleIntervalMs: 5000,
    autoscaleIdleMs: 60_000,
    syncMaxIdleMs: 600_000,
    cronIntervalMs: 50_000,
    healthCheckIntervalMs: 30_000,
    heartbeatIntervalMs: 5000,
    leaseTtlMs: 15_000,
    workerPollMs: 1000,
    logMaxChars: 1_000_000,
    logExDefault: 43_200,
    logExLimit: 86_400,
    resultTtlMs: 3_600_000,
    syncMaxQueued: 3,
    syncTimeoutMs: 30_000,
    maxStartFailures: 3,
    network: 'none',
    leaveContainers: false,
    searchMaxLimit: 1000,
    hostIp: externalAddress(),
  };
}

/** The `uid:gid` of a user in a tenant's `runAsExecutor` table; undefined when the tenant or user has none. */
export function executorIds(settings: Settings, tenant: string, user: string): string | undefined {
  const ids = Object.hasOwn(settings.runAsExecutor, tenant) ? settings.runAsExecutor[tenant]! : {};
  return Object.hasOwn(ids, user) ? ids[user] : undefined;
}

/** The first IPv4 address of this machine that is not a loopback one (127.0.0.1 when it has none). */
function externalAddress(): string {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return addresses.find((a) => a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';
}
