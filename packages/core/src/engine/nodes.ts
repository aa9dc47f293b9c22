import type { Identity } from '../auth/identity.js';
import { newId } from '../ids.js';
import { NODE_ID, type ClusterNode, type NodeView } from '../model/node.js';
import { LEAVING_STATUSES, type Worker } from '../model/worker.js';
import { authorize } from '../registry/access.js';
import { keys } from '../store/keys.js';
import { UNCHANGED } from '../store/store.js';
import { UnchangedFor } from '../util/unchanged-for.js';
import type { EngineContext } from './context.js';
import type { Leadership } from './leadership.js';

/** A node whose heartbeat is older than this many heartbeat intervals is presumed dead. */
const STALE_BEATS = 3;

/** A node's places for workers (see `NodeRegistry.places`). */
export interface NodePlaces {
  id: string;
  hostIp: string;
  capacity: number;
  used: number;
}

export interface NodeIdentity {
  id: string;
  leadership: Leadership;
  /** Alone on its store: no other node shares it, so records of other nodes are leftovers of earlier runs. */
  solo: boolean;
}

/**
 * This engine's node record: written when the engine starts (`join`), refreshed every
 * `heartbeatIntervalMs` and whenever the leadership changes, removed when it stops (`leave`). Lists
 * every node for the operator.
 */
export class NodeRegistry {
  private readonly incarnation = newId();
  /** The leader's watch of the other nodes' heartbeats: how long each has shown the same one. */
  private readonly watched = new UnchangedFor<string>();
  private started = '';
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly me: NodeIdentity,
  ) {
    if (!NODE_ID.test(me.id)) throw new Error(`Invalid node id '${me.id}': it must be 1 to 200 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or a digit.`);
  }

  get id(): string {
    return this.me.id;
  }

  /**
   * Writes this node's record and starts its heartbeat. Alone on its store, the engine first drops
   * the records of earlier runs. In a cluster, when a node with the same id has a recent heartbeat
   * (a process that died a moment ago, or one still running), it waits until that heartbeat is stale;
   * if it goes on beating, another process uses this id, and the start is refused.
   */
  async join(): Promise<void> {
    if (this.me.solo) await this.ctx.store.clear(keys.allNodes);
    else await this.waitForStale();
    this.started = this.ctx.now().toISOString();
    await this.beat();
    this.me.leadership.onChange(() => {
      this.watched.forget();
      void this.beat();
    });
    this.timer = setInterval(() => void this.beat(), this.ctx.settings.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Stops the heartbeat and removes this node's record (if it is still this run's). */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.started = '';
    await this.beating;
    await this.ctx.store.update<ClusterNode>(keys.node(this.me.id), (node) => (node?.incarnation === this.incarnation ? undefined : UNCHANGED));
  }

  /**
   * Every node's record, with whether it is alive and its workers of the caller's tenant (admins
   * only: nodes serve every tenant, but an admin of one tenant learns nothing of another's workers).
   */
  async list(who: Identity): Promise<NodeView[]> {
    await authorize(this.ctx, who, 'nodes.list', { kind: 'tenant' });
    const workers = new Map<string, number>();
    for await (const [, worker] of this.ctx.store.scan<Worker>(keys.workersOfTenant(who.tenant))) workers.set(worker.hostId, (workers.get(worker.hostId) ?? 0) + 1);
    const nodes: NodeView[] = [];
    for await (const [, node] of this.ctx.store.scan<ClusterNode>(keys.allNodes)) {
      const { incarnation: _, ...shown } = node;
      const alive = this.fresh(node);
      nodes.push({ ...shown, leader: alive && node.leader, workers: workers.get(node.id) ?? 0, alive });
    }
    return nodes;
  }

  /**
   * The nodes taken for lost (for the leader's reaper; none alone on the store): other nodes whose
   * record, or whose workers' node record, shows a stale heartbeat (or none) that this node has
   * itself seen unchanged for three heartbeat intervals. A node that just became the leader, or
   * whose last look failed (the database away: heartbeats could not be written either), watches
   * afresh before it takes any node for lost.
   */
  async lost(): Promise<Set<string>> {
    const lost = new Set<string>();
    if (this.me.solo) return lost;
    try {
      const beats = new Map<string, ClusterNode | undefined>();
      for await (const [, node] of this.ctx.store.scan<ClusterNode>(keys.allNodes)) beats.set(node.id, node);
      for await (const [, worker] of this.ctx.store.scan<Worker>(keys.allWorkers)) if (!beats.has(worker.hostId)) beats.set(worker.hostId, undefined);
      const look = this.watched.round(this.ctx.now().getTime());
      for (const [id, node] of beats) {
        if (id === this.me.id) continue;
        const unchangedMs = look(id, node?.heartbeat ?? '');
        if ((!node || !this.fresh(node)) && unchangedMs >= this.staleMs) lost.add(id);
      }
    } catch (e) {
      this.watched.forget();
      throw e;
    }
    return lost;
  }

  /** Removes the records of lost nodes, unless one beat again meanwhile. */
  async forget(lost: Iterable<string>): Promise<void> {
    for (const id of lost) {
      const heartbeat = this.watched.value(id);
      await this.ctx.store.update<ClusterNode>(keys.node(id), (node) => (node && node.heartbeat !== heartbeat ? UNCHANGED : undefined));
      this.watched.forget(id);
    }
  }

  /**
   * The places of the nodes alive now (their heartbeat is recent), this one first: each one's
   * capacity (`maxWorkersPerNode`) and the workers recorded on it, not counting those on their way out.
   */
  async places(): Promise<NodePlaces[]> {
    const used = new Map<string, number>();
    for await (const [, worker] of this.ctx.store.scan<Worker>(keys.allWorkers)) {
      if (!LEAVING_STATUSES.includes(worker.status)) used.set(worker.hostId, (used.get(worker.hostId) ?? 0) + 1);
    }
    const places: NodePlaces[] = [];
    for await (const [, node] of this.ctx.store.scan<ClusterNode>(keys.allNodes)) {
      if (node.id === this.me.id || !this.fresh(node)) continue;
      places.push({ id: node.id, hostIp: node.hostIp, capacity: node.capacity, used: used.get(node.id) ?? 0 });
    }
    return [{ id: this.me.id, hostIp: this.ctx.settings.hostIp, capacity: this.ctx.settings.maxWorkersPerNode, used: used.get(this.me.id) ?? 0 }, ...places];
  }

  /** Writes the record now; heartbeats never overlap, and a failed one is logged (the next one tries again). */
  private beat(): Promise<void> {
    this.beating = this.beating.then(async () => {
      if (this.started === '') return;
      const node: ClusterNode = {
        id: this.me.id,
        started: this.started,
        heartbeat: this.ctx.now().toISOString(),
        capacity: this.ctx.settings.maxWorkersPerNode,
        runtime: this.ctx.runtime.name,
        hostIp: this.ctx.settings.hostIp,
        leader: this.me.leadership.isLeader,
        incarnation: this.incarnation,
      };
      await this.ctx.store.batch([{ type: 'put', key: keys.node(this.me.id), value: node }]).catch((e: Error) => this.ctx.log.error({ err: e }, 'node heartbeat failed'));
    });
    return this.beating;
  }

  private fresh(node: ClusterNode): boolean {
    return this.ctx.now().getTime() - Date.parse(node.heartbeat) < this.staleMs;
  }

  /** How old a heartbeat is when its node is presumed dead. */
  private get staleMs(): number {
    return STALE_BEATS * this.ctx.settings.heartbeatIntervalMs;
  }

  private async waitForStale(): Promise<void> {
    const before = await this.ctx.store.get<ClusterNode>(keys.node(this.me.id));
    if (!before || !this.fresh(before)) return;
    const wait = this.staleMs - (this.ctx.now().getTime() - Date.parse(before.heartbeat));
    this.ctx.log.warn({ node: this.me.id, waitMs: wait }, 'a node with this id beat recently: waiting for its heartbeat to go stale');
    await new Promise((resolve) => setTimeout(resolve, wait));
    const after = await this.ctx.store.get<ClusterNode>(keys.node(this.me.id));
    if (after && after.heartbeat !== before.heartbeat) {
      throw new Error(`Another node with id ${this.me.id} is running (its heartbeat is recent): give each node its own id (--node-id).`);
    }
  }
}
