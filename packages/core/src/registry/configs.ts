import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import type { Actor } from '../model/actor.js';
import { configInputSchema, FORBIDDEN_CONFIG_CHARS, RESERVED_CONFIG_WORDS, type ActorConfig } from '../model/config.js';
import { checkName } from '../model/names.js';
import { validateInput } from '../model/validate.js';
import { keys } from '../store/keys.js';
import { WithWrites } from '../store/store.js';
import { allowed, authorize, levelOf, reachActor } from './access.js';
import type { Action } from '../auth/policy.js';
import { atLeast } from '../auth/levels.js';
import { isId } from '../ids.js';
import { ownerPermissions, type Shared } from './permissions.js';
import { SecretBox } from './secrets.js';

const INVALID = 'Invalid actor config description';

/**
 * Actor configs: named values shared with a list of actors and injected into their executions as
 * `_actor_configs`. Secret values are kept encrypted (AES-256-GCM) and shown encrypted.
 */
export class ConfigRegistry {
  private readonly box: SecretBox | null;

  constructor(private readonly ctx: EngineContext) {
    this.box = ctx.settings.secretKey ? new SecretBox(ctx.settings.secretKey) : null;
  }

  async create(who: Identity, input: unknown): Promise<ActorConfig> {
    await authorize(this.ctx, who, 'configs.create', { kind: 'tenant' });
    const config = await this.prepare(who, input);
    await this.ctx.store.update<ActorConfig>(keys.config(who.tenant, config.name), (existing) => {
      if (existing) throw new BadRequestError(`Config ${config.name} already exists.`);
      return new WithWrites(config, [ownerPermissions(who.tenant, 'config', config.name, who.user)]);
    });
    return config;
  }

  async get(who: Identity, name: string): Promise<ActorConfig> {
    return this.reach(who, name, 'config.read');
  }

  async list(who: Identity): Promise<ActorConfig[]> {
    await authorize(this.ctx, who, 'configs.list', { kind: 'tenant' });
    const visible: ActorConfig[] = [];
    for await (const [, config] of this.ctx.store.scan<ActorConfig>(keys.configs(who.tenant))) {
      if (await allowed(this.ctx, who, 'config.read', { kind: 'config', config })) visible.push(config);
    }
    return visible;
  }

  /** Replaces a config's value, secrecy and actors; its name and owner stay. */
  async update(who: Identity, name: string, input: unknown): Promise<ActorConfig> {
    const before = await this.reach(who, name, 'config.update');
    const config = await this.prepare(who, { name, ...(input as object) });
    if (config.name !== name) throw new BadRequestError(`${INVALID}: the name of a config cannot be changed.`);
    const updated = { ...config, owner: before.owner, ownerRoles: before.ownerRoles };
    await this.ctx.store.batch([{ type: 'put', key: keys.config(who.tenant, name), value: updated }]);
    return updated;
  }

  async delete(who: Identity, name: string): Promise<void> {
    await this.reach(who, name, 'config.delete');
    await this.ctx.store.batch([
      { type: 'del', key: keys.config(who.tenant, name) },
      { type: 'del', key: keys.permissions(who.tenant, 'config', name) },
    ]);
  }

  async shared(who: Identity, name: string): Promise<Shared> {
    const config = await this.find(who, name);
    return { kind: 'config', name, owner: config.owner, resource: { kind: 'config', config } };
  }

  /**
   * The `_actor_configs` map of an actor: every config shared with it (by its id, or by an alias that
   * pointed at it when the config was saved) whose owner still holds UPDATE on it, secrets decrypted.
   * Only the engine calls this, when it starts an execution.
   */
  async configsFor(actor: Actor): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for await (const [, config] of this.ctx.store.scan<ActorConfig>(keys.configs(actor.tenant))) {
      const ids = config.actorIds ?? splitActors(config.actors).filter(isId);
      if (!ids.includes(actor.id)) continue;
      const owner = { user: config.owner, tenant: config.tenant, roles: config.ownerRoles ?? ['user' as const] };
      if (!atLeast(await levelOf(this.ctx, owner, 'actor', actor.id), 'UPDATE')) {
        this.ctx.log.warn({ config: config.name, actor: actor.id }, "config not given: its owner no longer holds UPDATE on the actor");
        continue;
      }
      out[config.name] = config.isSecret ? this.secretBox().open(config.value as string) : config.value;
    }
    return out;
  }

  private async prepare(who: Identity, input: unknown): Promise<ActorConfig> {
    const given = validateInput(configInputSchema, input, INVALID);
    const name = (given.name as string).trim();
    checkName(name, 'a config name', RESERVED_CONFIG_WORDS, FORBIDDEN_CONFIG_CHARS);
    const actors = splitActors(given.actors as string);
    const actorIds: string[] = [];
    for (const identifier of actors) {
      const { actor } = await reachActor(this.ctx, who, identifier, 'actor.share').catch((e: unknown) => {
        if (e instanceof NotFoundError) throw new NotFoundError(`No actor or alias found with id: ${identifier}.`);
        if (e instanceof ForbiddenError) throw new ForbiddenError(`Not authorized -- you need UPDATE access to actor '${identifier}' to share a config with it.`);
        throw e;
      });
      actorIds.push(actor.id);
    }
    const isSecret = given.isSecret as boolean;
    const value = isSecret ? this.secretBox().seal(given.value) : given.value;
    return { name, value, isSecret, actors: actors.join(', '), actorIds, owner: who.user, ownerRoles: [...who.roles], tenant: who.tenant };
  }

  private secretBox(): SecretBox {
    if (!this.box) throw new BadRequestError(`${INVALID}: secret configs need an encryption key, and none is configured on this server.`);
    return this.box;
  }

  private async find(who: Identity, name: string): Promise<ActorConfig> {
    const config = await this.ctx.store.get<ActorConfig>(keys.config(who.tenant, name));
    if (!config) throw new NotFoundError(`No config found: ${name}.`);
    return config;
  }

  private async reach(who: Identity, name: string, action: Action): Promise<ActorConfig> {
    const config = await this.find(who, name);
    await authorize(this.ctx, who, action, { kind: 'config', config });
    return config;
  }
}

const splitActors = (list: string): string[] => list.split(',').map((a) => a.trim()).filter(Boolean);
