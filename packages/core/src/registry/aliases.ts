import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import { isId } from '../ids.js';
import { aliasInputSchema, FORBIDDEN_ALIAS_CHARS, RESERVED_ALIAS_WORDS, type Alias } from '../model/alias.js';
import { checkName } from '../model/names.js';
import { validateInput } from '../model/validate.js';
import { keys } from '../store/keys.js';
import { WithWrites } from '../store/store.js';
import { allowed, authorize, reachActor } from './access.js';
import type { Action } from '../auth/policy.js';
import { ownerPermissions, type Shared } from './permissions.js';

/** Aliases: tenant-unique names for actors, usable wherever an actor id is. */
export class AliasRegistry {
  constructor(private readonly ctx: EngineContext) {}

  /** Creates an alias; the caller needs UPDATE on the actor and becomes the alias's owner. */
  async create(who: Identity, input: unknown): Promise<Alias> {
    await authorize(this.ctx, who, 'aliases.create', { kind: 'tenant' });
    const given = validateInput(aliasInputSchema, input, 'Invalid alias description');
    const name = (given.alias as string).trim();
    checkAliasName(name);
    const actor = await this.target(who, given.actorId as string);
    const alias: Alias = { alias: name, actorId: actor.id, owner: who.user, tenant: who.tenant };
    await this.ctx.store.update<Alias>(keys.alias(who.tenant, name), (existing) => {
      if (existing) throw new BadRequestError(`Alias ${name} already exists.`);
      return new WithWrites(alias, [ownerPermissions(who.tenant, 'alias', name, who.user)]);
    });
    return alias;
  }

  async get(who: Identity, name: string): Promise<Alias> {
    return this.reach(who, name, 'alias.read');
  }

  /** The aliases of the caller's tenant that the caller may READ. */
  async list(who: Identity): Promise<Alias[]> {
    await authorize(this.ctx, who, 'aliases.list', { kind: 'tenant' });
    const visible: Alias[] = [];
    for await (const [, alias] of this.ctx.store.scan<Alias>(keys.aliases(who.tenant))) {
      if (await allowed(this.ctx, who, 'alias.read', { kind: 'alias', alias })) visible.push(alias);
    }
    return visible;
  }

  /** Points an alias at another actor: needs UPDATE on the alias and on the new actor. */
  async update(who: Identity, name: string, input: unknown): Promise<Alias> {
    const alias = await this.reach(who, name, 'alias.update');
    const given = validateInput(aliasInputSchema, { alias: name, ...(input as object) }, 'Invalid alias update description');
    if ((given.alias as string).trim() !== name) {
      throw new BadRequestError('Invalid alias update description. The alias itself cannot be updated in a PUT request.');
    }
    const actor = await this.target(who, given.actorId as string);
    const updated: Alias = { ...alias, actorId: actor.id };
    await this.ctx.store.batch([{ type: 'put', key: keys.alias(who.tenant, name), value: updated }]);
    return updated;
  }

  /** Deletes an alias with its permissions and its nonces. */
  async delete(who: Identity, name: string): Promise<void> {
    await this.reach(who, name, 'alias.delete');
    const ops = [
      { type: 'del' as const, key: keys.alias(who.tenant, name) },
      { type: 'del' as const, key: keys.permissions(who.tenant, 'alias', name) },
    ];
    for await (const [key, nonce] of this.ctx.store.scan<{ alias: string | null }>(keys.nonces(who.tenant))) {
      if (nonce.alias === name) ops.push({ type: 'del', key });
    }
    await this.ctx.store.batch(ops);
  }

  /** The alias as a resource with permissions of its own. */
  async shared(who: Identity, name: string): Promise<Shared> {
    const alias = await this.find(who, name);
    return { kind: 'alias', name, owner: alias.owner, resource: { kind: 'alias', alias } };
  }

  /** The actor an alias is to point at: it must exist (else 404, as upstream) and the caller needs UPDATE on it. */
  private async target(who: Identity, identifier: string) {
    try {
      return (await reachActor(this.ctx, who, identifier, 'actor.share')).actor;
    } catch (e) {
      if (e instanceof NotFoundError) throw new NotFoundError(`No actor found with id: ${identifier}.`);
      if (!(e instanceof ForbiddenError)) throw e;
      throw new ForbiddenError('Not authorized -- you do not have UPDATE access to the actor you want to associate with this alias.');
    }
  }

  private async find(who: Identity, name: string): Promise<Alias> {
    const alias = await this.ctx.store.get<Alias>(keys.alias(who.tenant, name));
    if (!alias) throw new NotFoundError(`No alias found: ${name}.`);
    return alias;
  }

  private async reach(who: Identity, name: string, action: Action): Promise<Alias> {
    const alias = await this.find(who, name);
    await authorize(this.ctx, who, action, { kind: 'alias', alias });
    return alias;
  }
}

/** Upstream's rules for alias names: not an id, not a reserved word, none of the forbidden characters. */
function checkAliasName(name: string): void {
  if (isId(name)) throw new BadRequestError('Invalid alias description. Alias cannot be an Abaco hash id.');
  checkName(name, 'an alias', RESERVED_ALIAS_WORDS, FORBIDDEN_ALIAS_CHARS);
}
