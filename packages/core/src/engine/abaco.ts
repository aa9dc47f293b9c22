import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Identity } from '../auth/identity.js';
import type { Bus } from '../bus/bus.js';
import { MqemitterBus } from '../bus/mqemitter-bus.js';
import { Autoscaler } from '../execution/autoscaler.js';
import { CronScheduler } from '../execution/cron.js';
import { EventDispatcher, type AbacoEvent } from '../execution/events.js';
import { ExecutionService } from '../execution/executions.js';
import { IoRelay } from '../execution/io-relay.js';
import { LogStore } from '../execution/logs.js';
import { MessageService } from '../execution/messages.js';
import { reap, recover, type RecoveryDeps } from '../execution/recovery.js';
import { Reports } from '../execution/reports.js';
import { ActivityStats } from '../execution/activity.js';
import { LogFollower } from '../execution/log-follow.js';
import { BinaryPayloads } from '../execution/payloads.js';
import { ResultQueue } from '../execution/results.js';
import { Runner } from '../execution/runner.js';
import { RunEnds } from '../execution/run-ends.js';
import { WorkerAdmin } from '../execution/worker-admin.js';
import { WorkerPool } from '../execution/workers.js';
import { newId } from '../ids.js';
import type { Inbox } from '../inbox/inbox.js';
import { StoreInbox } from '../inbox/store-inbox.js';
import type { Actor } from '../model/actor.js';
import type { NodeView } from '../model/node.js';
import { resolveActor, type Permissions } from '../registry/access.js';
import { ActorRegistry, type ActorLifecycle } from '../registry/actors.js';
import { AliasRegistry } from '../registry/aliases.js';
import { ConfigRegistry } from '../registry/configs.js';
import { NonceRegistry } from '../registry/nonces.js';
import { grantPermission, listPermissions, type Shared } from '../registry/permissions.js';
import { StateStore } from '../registry/state.js';
import { buildExecutionIndex } from '../search/execution-index.js';
import { SearchService } from '../search/search.js';
import { ProcessRuntime } from '../runtime/process-runtime.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { keys } from '../store/keys.js';
import { LevelStore } from '../store/level-store.js';
import { UNCHANGED, type Store } from '../store/store.js';
import { UnchangedFor } from '../util/unchanged-for.js';
import type { EngineContext } from './context.js';
import { soleLeader, type Leadership } from './leadership.js';
import { NodeRegistry } from './nodes.js';
import { defaultSettings, type Settings } from './settings.js';

export interface AbacoOptions {
  /** A directory for the embedded level store and spooled binary messages; in memory when neither this nor `store` is given. */
  dataDir?: string;
  /** A Store to use instead of the embedded one. The engine closes it on `close()`. */
  store?: Store;
  /** An Inbox to use instead of the one kept in the Store. */
  inbox?: Inbox;
  /** A Bus to use instead of the in-process one. */
  bus?: Bus;
  /** This engine's id as a node: its workers name it as their host. Default: a new id at each open. */
  nodeId?: string;
  /**
   * Other engines share the store (cluster mode): the engine then settles only its own node's
   * workers, and runs cron and the autoscaler's passes only while `leadership` says it leads.
   * Without it the engine is alone on its store: it owns every worker recorded there and always leads.
   * The engine closes the leadership on `close()`.
   */
  cluster?: { leadership: Leadership };
  /**
   * What runs executions. Without one the engine keeps the registry and accepts messages, but
   * runs nothing (they wait in their inboxes for an engine that has a runtime).
   */
  runtime?: ContainerRuntime;
  settings?: Partial<Settings>;
  /** The clock; tests inject one. */
  now?: () => Date;
  logger?: Logger;
}

/** What carries permissions: an actor (by id or alias), an alias itself, or a config. */
export type PermissionTarget = { actor: string } | { alias: string } | { config: string };

/**
 * The Abaco engine. Every operation takes the calling `Identity` and enforces its tenant, roles
 * and permissions, so the same engine serves the HTTP API, the CLI and programs that embed it.
 */
export class Abaco {
  readonly actors: ActorRegistry;
  readonly aliases: AliasRegistry;
  readonly nonces: NonceRegistry;
  readonly configs: ConfigRegistry;
  readonly state: StateStore;
  readonly messages: MessageService;
  readonly executions: ExecutionService;
  readonly workers: WorkerAdmin;
  /** Cron: `tick()` runs one pass now (the engine also runs it every `cronIntervalMs`). */
  readonly cron: CronScheduler;
  /** Autoscaler: `tick()` runs one pass now (also every `autoscaleIntervalMs`). */
  readonly autoscaler: Autoscaler;
  /** Utilization, the admin summaries and the figures of /metrics. */
  readonly reports: Reports;
  /** The search of the user guide over actors, workers, executions and logs. */
  readonly search: SearchService;
  /** Follows an execution's log as it is written (the server-sent events of `logs?follow=true`). */
  readonly logFollower: LogFollower;
  /** Activity per minute for the console's charts (`GET /actors/v2/stats`). */
  readonly activity: ActivityStats;
  readonly permissions = {
    list: async (who: Identity, target: PermissionTarget): Promise<Permissions> => listPermissions(this.ctx, who, await this.shared(who, target)),
    grant: async (who: Identity, target: PermissionTarget, input: { user?: unknown; level?: unknown }): Promise<Permissions> =>
      grantPermission(this.ctx, who, await this.shared(who, target), input),
  };
  /** The nodes sharing the store: `list()` shows them with their heartbeats, capacity, workers and leader. */
  readonly nodes: { list: (who: Identity) => Promise<NodeView[]> };


  private readonly pool: WorkerPool;
  private readonly events: EventDispatcher;
  private readonly logs: LogStore;
  private readonly runner: Runner;
  private readonly payloads: BinaryPayloads;
  /** The reaper's watch of lease expiries (see `reap`). */
  private readonly leaseExpiries = new UnchangedFor<number>();
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly ctx: EngineContext,
    private readonly parts: { inbox: Inbox; bus: Bus; relay: IoRelay; runtime?: ContainerRuntime; ioDir: string; spoolDir: string; installation: string; node: NodeRegistry; leadership: Leadership; solo: boolean },
  ) {
    const { inbox, bus, relay } = parts;
    this.state = new StateStore(ctx);
    this.aliases = new AliasRegistry(ctx);
    this.nonces = new NonceRegistry(ctx);
    this.configs = new ConfigRegistry(ctx);
    this.logs = new LogStore(ctx, bus);
    const results = new ResultQueue(ctx);
    this.payloads = new BinaryPayloads(ctx, { spoolDir: parts.spoolDir, inStore: !parts.solo });
    this.events = new EventDispatcher(ctx, (from, event) => this.sendEvent(from, event));
    const ends = new RunEnds();
    this.messages = new MessageService(ctx, { inbox, bus, logs: this.logs, results, payloads: this.payloads, ends, onQueued: (actor) => this.onQueued(actor) });
    this.executions = new ExecutionService(ctx, { bus, logs: this.logs, results });
    this.logFollower = new LogFollower(ctx, { bus, logs: this.logs, executions: this.executions });
    this.activity = new ActivityStats(ctx, inbox);
    const runtime = parts.runtime ?? noRuntime;
    const runner = new Runner(ctx, { runtime, inbox, bus, relay, logs: this.logs, results, payloads: this.payloads, configs: this.configs, state: this.state, nonces: this.nonces, events: this.events, ends, ioDir: parts.ioDir, installation: parts.installation });
    this.pool = new WorkerPool(ctx, { runtime, inbox, bus, runner, events: this.events, engineId: parts.node.id, cluster: !parts.solo, nodes: parts.node });
    this.workers = new WorkerAdmin(ctx, this.pool);
    this.actors = new ActorRegistry(ctx, this.state, this.lifecycle());
    this.cron = new CronScheduler(ctx, this.messages);
    this.autoscaler = new Autoscaler(ctx, inbox, this.pool);
    this.reports = new Reports(ctx, inbox);
    this.search = new SearchService(ctx);
    this.nodes = { list: (who) => parts.node.list(who) };
    this.runner = runner;
  }

  static async open(options: AbacoOptions = {}): Promise<Abaco> {
    const store = options.store ?? (options.dataDir ? await LevelStore.open(options.dataDir) : await LevelStore.memory());
    const settings = { ...defaultSettings(), ...options.settings };
    const log = options.logger ?? pino({ level: process.env.ABACO_LOG_LEVEL ?? 'warn' });
    const ctx: EngineContext = { store, settings, now: options.now ?? (() => new Date()), log, runtime: describeRuntime(options.runtime) };
    const ioDir = mkdtempSync(join(tmpdir(), 'abaco-io-'));
    chmodSync(ioDir, 0o711); // actors running as another user reach their socket and FIFO through it
    const spoolDir = settings.spoolDir ?? (options.dataDir ? join(options.dataDir, 'spool') : join(ioDir, 'spool'));
    // The id of this installation (its store), made once: containers are labelled with it (and in a
    // cluster with the node's id), so that an engine cleans up what an earlier run of the same node
    // left, never another engine's or another node's.
    const solo = options.cluster === undefined;
    const leadership = options.cluster?.leadership ?? soleLeader;
    const node = new NodeRegistry(ctx, { id: options.nodeId ?? newId(), leadership, solo });
    const installation = (await store.update<string>('meta/installation', (current) => current ?? newId()))!;
    // Nodes starting together build the search index once: one at a time, holding a record locked.
    if (solo) await buildExecutionIndex(store, log);
    else await store.update(keys.executionIndexLock, async () => (await buildExecutionIndex(store, log), UNCHANGED));
    const abaco = new Abaco(ctx, {
      installation: solo ? installation : `${installation} ${node.id}`,
      node,
      leadership,
      solo,
      inbox: options.inbox ?? new StoreInbox(store),
      bus: options.bus ?? new MqemitterBus(),
      relay: new IoRelay(log),
      runtime: options.runtime,
      ioDir,
      spoolDir,
    });
    try {
      await node.join();
      if (options.runtime) await abaco.start();
    } catch (e) {
      await abaco.close({ kill: true }).catch(() => {});
      throw e;
    }
    return abaco;
  }

  /** This engine's id as a node: its workers name it as their host. */
  get engineId(): string {
    return this.parts.node.id;
  }

  /** Whether this node runs cron and the autoscaler's passes now (always, alone on its store). */
  get isLeader(): boolean {
    return this.parts.leadership.isLeader;
  }

  /** The engine's logger (pino), for the parts built around it. */
  get log(): Logger {
    return this.ctx.log;
  }

  get settings(): Readonly<Settings> {
    return this.ctx.settings;
  }

  /** Waits until every event published so far has reached its linked actor and webhook. */
  drainEvents(): Promise<void> {
    return this.events.drain();
  }

  /**
   * Stops the engine: no new executions start; running ones finish (with `graceMs`, those still
   * running after it are killed; with `kill`, all are killed at once) and are recorded; then the
   * store closes. Queued messages stay queued for the next start.
   */
  async close(options: { kill?: boolean; graceMs?: number } = {}): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    const graceful = this.pool.close(options.kill ?? false);
    if (options.graceMs !== undefined && !options.kill) {
      const timeUp = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), options.graceMs).unref());
      if ((await Promise.race([graceful, timeUp])) === 'late') await this.pool.close(true);
    }
    await graceful;
    await this.events.drain();
    await this.parts.relay.close();
    await this.parts.runtime?.close();
    await this.parts.bus.close();
    await this.parts.node.leave();
    await this.parts.leadership.close();
    await this.ctx.store.close();
    rmSync(this.parts.ioDir, { recursive: true, force: true });
  }

  private async start(): Promise<void> {
    const { installation } = this.parts;
    const removed = await this.parts.runtime!.cleanup((labels) => labels['abaco.installation'] !== installation || this.pool.isAlive(labels['abaco.worker'] ?? ''));
    if (removed > 0) this.ctx.log.warn({ removed }, 'removed containers left by a previous engine');
    const { node, solo } = this.parts;
    const recovery = { inbox: this.parts.inbox, pool: this.pool, runner: this.runner, logs: this.logs, payloads: this.payloads, nodeId: node.id, solo };
    await this.pool.listen();
    await recover(this.ctx, recovery, { atStart: true });
    const every = (ms: number, task: () => Promise<unknown>) => {
      if (ms <= 0) return;
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        task()
          .catch((e: Error) => this.ctx.log.error({ err: e }, 'background task failed'))
          .finally(() => (busy = false));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    // Passes made once for all nodes: by the leader only.
    const leading = (task: () => Promise<unknown>) => () => (this.isLeader ? task() : Promise.resolve());
    if (this.ctx.settings.autoscaling) every(this.ctx.settings.autoscaleIntervalMs, leading(() => this.autoscaler.tick()));
    every(this.ctx.settings.cronIntervalMs, leading(() => this.cron.tick()));
    every(60_000, leading(() => this.logs.sweep()));
    every(60_000, leading(() => this.activity.sweep()));
    every(this.ctx.settings.heartbeatIntervalMs, leading(() => this.reap(recovery)));
    every(this.ctx.settings.healthCheckIntervalMs, () => recover(this.ctx, recovery));
  }

  /** The reaper's pass (the leader's): settles what lost nodes and lapsed leases left, then forgets the lost nodes. */
  private async reap(recovery: RecoveryDeps): Promise<void> {
    const lost = await this.parts.node.lost();
    if (lost.size > 0) this.ctx.log.warn({ nodes: [...lost] }, 'nodes lost: settling their workers');
    await reap(this.ctx, recovery, lost, this.leaseExpiries);
    await this.parts.node.forget(lost);
  }

  private lifecycle(): ActorLifecycle {
    return {
      created: (actor) => this.onQueued(actor),
      revised: async (actor) => {
        await this.pool.retireOld(actor);
        await this.onQueued(actor);
      },
      deleting: async (actor) => {
        this.autoscaler.forget(actor);
        await this.pool.stopAll(actor, { kill: true });
        // Leased messages too: a run elsewhere can then neither start (RUNNING is written with its
        // lease) nor write its end, and its heartbeat, refused, kills its container.
        await this.parts.inbox.drop(actor.dbId);
      },
    };
  }

  /** A message was queued (or the actor created or updated): make sure it has the workers it needs. */
  private async onQueued(actor: Actor): Promise<void> {
    if (!this.parts.runtime || actor.status === 'ERROR' || actor.status === 'SHUTTING_DOWN') return;
    if (this.ctx.settings.autoscaling) await this.autoscaler.queued(actor);
    else await this.pool.ensureOne(actor);
  }

  /** Delivers an event to the actor `from` links to, as a JSON message from "Abaco Event". */
  private async sendEvent(from: Actor, event: AbacoEvent): Promise<void> {
    const { actor } = await resolveActor(this.ctx, from.tenant, from.link);
    await this.messages.enqueue(actor, { kind: 'json', value: event }, 'Abaco Event');
  }

  private async shared(who: Identity, target: PermissionTarget): Promise<Shared> {
    if ('alias' in target) return this.aliases.shared(who, target.alias);
    if ('config' in target) return this.configs.shared(who, target.config);
    const reached = await resolveActor(this.ctx, who.tenant, target.actor);
    return { kind: 'actor', name: reached.actor.id, owner: reached.actor.owner, resource: { kind: 'actor', ...reached } };
  }
}

/** What the engine tells of its runtime (see `EngineContext.runtime`). */
function describeRuntime(runtime: ContainerRuntime | undefined): EngineContext['runtime'] {
  const images = runtime instanceof ProcessRuntime ? runtime.imageNames : null;
  return { name: runtime?.name ?? 'none', isolated: runtime?.isolated ?? true, images };
}

/** The runtime of an engine opened without one: it never runs anything (no worker is started). */
const noRuntime: ContainerRuntime = {
  name: 'none',
  isolated: true,
  ensureImage: async () => {
    throw new Error('This engine has no container runtime.');
  },
  run: async () => {
    throw new Error('This engine has no container runtime.');
  },
  cleanup: async () => 0,
  close: async () => {},
};
