import { isAdmin, isPrivileged, type Identity } from '../auth/identity.js';
import { firstRun, formatNextEx, parseSchedule } from '../cron/schedule.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError, ForbiddenError } from '../errors.js';
import { newId } from '../ids.js';
import { actorDefaults, actorInputSchema, PRIVILEGED_FIELDS, type Actor, type ActorView, type Mount } from '../model/actor.js';
import { validateInput } from '../model/validate.js';
import type { BatchOp } from '../store/store.js';
import { keys } from '../store/keys.js';
import { clearActorIndex } from '../search/execution-index.js';
import { allowed, authorize, levelOf, reachActor, resolveActor, type Reached } from './access.js';
import { atLeast } from '../auth/levels.js';
import { isHostLoaderVariable } from '../runtime/host-env.js';
import { ownerPermissions } from './permissions.js';
import type { StateStore } from './state.js';

const INVALID = 'Invalid actor description';
const HINT_FORBIDDEN = ['"', "'", '{', '}', '[', ']'];

/** What the execution side of the engine does when actors come, change and go. */
export interface ActorLifecycle {
  created(actor: Actor): Promise<void>;
  /** After an update that bumped the revision (new image or force). */
  revised(actor: Actor): Promise<void>;
  /** Before an actor's records are removed: stop its workers, empty its inbox. */
  deleting(actor: Actor): Promise<void>;
}

/** Registration of actors: create, read, list, update and delete, with their rules. */
export class ActorRegistry {
  constructor(
    private readonly ctx: EngineContext,
    private readonly states: StateStore,
    private readonly lifecycle: ActorLifecycle,
  ) {}

  async create(who: Identity, input: unknown): Promise<ActorView> {
    await authorize(this.ctx, who, 'actors.create', { kind: 'tenant' });
    const given = validateInput(actorInputSchema, input, INVALID);
    delete given.force;
    const now = this.ctx.now().toISOString();
    const id = newId();
    const actor: Actor = {
      ...actorDefaults(this.ctx.settings.tokenDefault),
      ...(given as Partial<Actor>),
      id,
      tenant: who.tenant,
      dbId: `${who.tenant}_${id}`,
      image: given.image as string,
      owner: who.user,
      apiServer: this.ctx.settings.apiServer,
      createTime: now,
      lastUpdateTime: now,
    };
    await this.check(who, actor, given, null);
    await this.ctx.store.batch([
      { type: 'put', key: keys.actor(who.tenant, id), value: actor },
      ownerPermissions(who.tenant, 'actor', id, who.user),
    ]);
    await this.lifecycle.created(actor);
    return { ...actor, state: {} };
  }

  async get(who: Identity, identifier: string): Promise<ActorView> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'actor.read');
    return this.view(actor);
  }

  /** Every actor of the caller's tenant that the caller may READ, oldest first. */
  async list(who: Identity): Promise<ActorView[]> {
    await authorize(this.ctx, who, 'actors.list', { kind: 'tenant' });
    const visible: ActorView[] = [];
    for await (const [, actor] of this.ctx.store.scan<Actor>(keys.actors(who.tenant))) {
      if (await allowed(this.ctx, who, 'actor.read', { kind: 'actor', actor, alias: null })) visible.push(await this.view(actor));
    }
    return visible.sort((a, b) => a.createTime.localeCompare(b.createTime));
  }

  /**
   * Updates an actor. Fields given replace the stored ones; fields not given keep their values (so
   * `{"image": ..., "cronOn": false}` only switches cron off, as the user guide shows). A new image
   * or `force` bumps the revision and puts the actor back to SUBMITTED. The owner never changes.
   */
  async update(who: Identity, identifier: string, input: unknown): Promise<ActorView> {
    const { actor: before } = await reachActor(this.ctx, who, identifier, 'actor.update');
    const given = validateInput(actorInputSchema, input, INVALID);
    const force = given.force === true;
    delete given.force;
    const candidate: Actor = { ...before, ...(given as Partial<Actor>) };
    await this.check(who, candidate, given, before);
    const key = keys.actor(who.tenant, before.id);
    const stored = await this.ctx.store.update<Actor>(key, (current) => {
      if (!current) throw new BadRequestError(`Actor ${identifier} was deleted during the update.`);
      const { hints, cronSchedule, cronOn, cronNextEx, mounts } = candidate; // as the checks normalised and derived them
      const next: Actor = { ...current, ...(given as Partial<Actor>), hints, cronSchedule, cronOn, cronNextEx, mounts };
      next.lastUpdateTime = this.ctx.now().toISOString();
      if (force || next.image !== current.image) {
        next.revision = current.revision + 1;
        next.status = 'SUBMITTED';
        next.statusMessage = '';
      }
      return next;
    });
    if (stored!.revision !== before.revision) await this.lifecycle.revised(stored!);
    return this.view(stored!);
  }

  /**
   * Removes an actor and everything that belongs to it: workers (running containers are killed),
   * queued messages, executions, logs, results, state, permissions, nonces and aliases.
   */
  async delete(who: Identity, identifier: string): Promise<Actor> {
    const { actor } = await reachActor(this.ctx, who, identifier, 'actor.delete');
    const t = who.tenant;
    await this.ctx.store.update<Actor>(keys.actor(t, actor.id), (a) => (a ? { ...a, status: 'SHUTTING_DOWN' } : a));
    await this.lifecycle.deleting(actor);
    await clearActorIndex(this.ctx.store, t, actor.id);
    for (const prefix of [keys.executions(t, actor.id), keys.logs(t, actor.id), keys.resultsOfActor(t, actor.id), keys.workers(t, actor.id), keys.payloadChunksOfActor(t, actor.id), keys.payloadsOfActor(t, actor.id)]) {
      await this.ctx.store.clear(prefix);
    }
    const ops: BatchOp[] = [
      { type: 'del', key: keys.actor(t, actor.id) },
      { type: 'del', key: keys.state(t, actor.id) },
      { type: 'del', key: keys.permissions(t, 'actor', actor.id) },
    ];
    const aliases = new Set<string>();
    for await (const [key, alias] of this.ctx.store.scan<{ alias: string; actorId: string }>(keys.aliases(t))) {
      if (alias.actorId !== actor.id) continue;
      aliases.add(alias.alias);
      ops.push({ type: 'del', key }, { type: 'del', key: keys.permissions(t, 'alias', alias.alias) });
    }
    for await (const [key, nonce] of this.ctx.store.scan<{ actorId: string | null; alias: string | null }>(keys.nonces(t))) {
      if (nonce.actorId === actor.id || (nonce.alias !== null && aliases.has(nonce.alias))) ops.push({ type: 'del', key });
    }
    await this.ctx.store.batch(ops);
    return actor;
  }

  /** The stored actor plus its state, as callers see it. */
  async view(actor: Actor): Promise<ActorView> {
    return { ...actor, state: await this.states.current(actor) };
  }

  /**
   * Checks a new or updated actor (`before` is null on create) and fills what derives from its
   * fields: mounts, cron fields. The order of the checks follows upstream, so that the same bad
   * input gets the same message: roles first, then the rules of the fields.
   */
  private async check(who: Identity, actor: Actor, given: Record<string, unknown>, before: Actor | null): Promise<void> {
    for (const [field, isSet, action, role = 'privileged'] of PRIVILEGED_FIELDS) {
      if (role === 'privileged' ? isPrivileged(who) : isAdmin(who)) continue;
      const changed = before === null || (given[field] !== undefined && given[field] !== before[field]);
      if (changed && isSet(actor[field])) {
        throw new ForbiddenError(`Not authorized -- only ${role === 'admin' ? 'admins' : 'admins and privileged users'} can ${action}.`);
      }
    }
    this.checkHostSafety(who, actor, given);
    if (!actor.stateless && actor.maxWorkers !== null && actor.maxWorkers > 1) {
      throw new BadRequestError(`${INVALID}: stateful actors can only have 1 worker.`);
    }
    if (before && !before.stateless && actor.stateless) {
      throw new BadRequestError(`${INVALID}: an actor that was not stateless cannot be updated to be stateless.`);
    }
    if (actor.useContainerUid && actor.runAsExecutor) throw new BadRequestError('Cannot set both use_container_uid and run_as_executor as true');
    if (actor.runAsExecutor && !Object.hasOwn(this.ctx.settings.runAsExecutor, who.tenant)) throw new BadRequestError("run_as_executor isn't supported for your tenant");
    if (!this.ctx.settings.queues.includes(actor.queue)) {
      throw new BadRequestError(`${INVALID}: Unable to process the JSON description.: 400 Bad Request: Invalid queue name.`);
    }
    actor.hints = actor.hints.map(String);
    for (const hint of actor.hints) {
      const bad = HINT_FORBIDDEN.find((c) => hint.includes(c));
      if (bad) throw new BadRequestError(`${INVALID}: Hints must be simple stings or numbers, no lists or dicts. Error character: ${bad}`);
    }
    if (actor.webhook !== '' && !isHttpUrl(actor.webhook)) {
      throw new BadRequestError(`${INVALID}: {'webhook': 'must be an http or https URL'}`);
    }
    await this.checkLink(who, actor, before);
    this.fillCron(actor, given, before);
    actor.mounts = this.mountsFor(who, actor);
  }

  private async checkLink(who: Identity, actor: Actor, before: Actor | null): Promise<void> {
    if (actor.link === '' || (before !== null && actor.link === before.link)) return;
    const refusal = 'Invalid link parameter; unable to retrieve linked actor data. The link must be a valid actor id or alias for which you have EXECUTE permission. ';
    let target: Reached;
    try {
      target = await resolveActor(this.ctx, who.tenant, actor.link);
    } catch {
      throw new BadRequestError(refusal);
    }
    if (!atLeast(await levelOf(this.ctx, who, 'actor', target.actor.id), 'EXECUTE')) throw new BadRequestError(refusal);
    if (target.actor.id === actor.id) throw new BadRequestError('Invalid link parameter. An actor cannot link to itself.');
    // Follow the chain of links from the target: reaching this actor again would be a cycle.
    const seen = new Set([actor.id]);
    for (let next: Actor | null = target.actor; next !== null; ) {
      if (seen.has(next.id)) {
        if (next.id === actor.id) throw new BadRequestError('Error: this update would result in a cycle of linked actors.');
        break;
      }
      seen.add(next.id);
      next = next.link === '' ? null : await resolveActor(this.ctx, who.tenant, next.link).then((r) => r.actor, () => null);
    }
  }

  /** A new or changed schedule is parsed and checked, and sets the next run; giving one switches cron on. */
  private fillCron(actor: Actor, given: Record<string, unknown>, before: Actor | null): void {
    if (actor.cronSchedule === null || actor.cronSchedule === '') {
      actor.cronSchedule = null;
      actor.cronNextEx = null;
      actor.cronOn = false;
      return;
    }
    if (before !== null && actor.cronSchedule === before.cronSchedule) return;
    const now = this.ctx.now();
    const schedule = parseSchedule(actor.cronSchedule, now);
    actor.cronNextEx = formatNextEx(schedule, firstRun(schedule, now));
    if (given.cronOn === undefined) actor.cronOn = true;
  }

  /**
   * Where the runtime does not isolate actors from the host (the process runtime), what would let an
   * actor take it over is for admins only: an image that is a host path, and variables that change
   * how host programs load (LD_PRELOAD, BASH_ENV, NODE_OPTIONS...).
   */
  private checkHostSafety(who: Identity, actor: Actor, given: Record<string, unknown>): void {
    if (this.ctx.runtime.isolated || isAdmin(who)) return;
    if (given.image !== undefined && actor.image.startsWith('/')) {
      throw new ForbiddenError('Not authorized -- only admins can register an image that is a path of the host (this server runs actors as host processes).');
    }
    const unsafe = Object.keys(actor.defaultEnvironment).find(isHostLoaderVariable);
    if (given.defaultEnvironment !== undefined && unsafe !== undefined) {
      throw new BadRequestError(`${INVALID}: {'default_environment': 'the variable ${unsafe} changes how host programs start, and this server runs actors as host processes: only admins may set it'}`);
    }
  }

  /**
   * The mounts of an actor from the deployment's templates. A filled path may not climb out of its
   * template (`..`) or hold a ':' (the engines' bind syntax), whatever a user or tasdir put in it.
   */
  private mountsFor(who: Identity, actor: Actor): Mount[] {
    const { globalMounts, privilegedMounts } = this.ctx.settings;
    const templates = actor.privileged ? [...globalMounts, ...privilegedMounts] : globalMounts;
    const fill = (path: string) => {
      const filled = path.replaceAll('{username}', actor.owner).replaceAll('{tenant_id}', who.tenant).replaceAll('{tasdir}', actor.tasdir ?? '');
      if (filled.split('/').includes('..') || filled.includes(':')) {
        throw new BadRequestError(`${INVALID}: the mount path '${filled}' made from the deployment's template may not contain '..' or ':'.`);
      }
      return filled;
    };
    return templates.map((m) => ({ host_path: fill(m.host_path), container_path: fill(m.container_path), mode: m.mode }));
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
