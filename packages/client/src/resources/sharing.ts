import { camel } from '../casing.js';
import type { AliasInput, AliasRecord, ConfigInput, ConfigRecord, Level, NonceInput, NonceRecord, NonceTarget, PermissionTarget, Permissions } from '../records.js';
import type { Transport } from '../transport.js';
import { seg } from './path.js';

/** Aliases: names for actors. */
export class Aliases {
  constructor(private readonly transport: Transport) {}

  async list(): Promise<AliasRecord[]> {
    return (await this.transport.result<unknown[]>({ method: 'GET', path: '/aliases' })).map((a) => camel<AliasRecord>(a));
  }
  async create(input: AliasInput): Promise<AliasRecord> {
    return camel(await this.transport.result({ method: 'POST', path: '/aliases', json: input }));
  }
  async get(alias: string): Promise<AliasRecord> {
    return camel(await this.transport.result({ method: 'GET', path: `/aliases/${seg(alias)}` }));
  }
  /** Points an alias at another actor. */
  async update(alias: string, actorId: string): Promise<AliasRecord> {
    return camel(await this.transport.result({ method: 'PUT', path: `/aliases/${seg(alias)}`, json: { actorId } }));
  }
  async delete(alias: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/aliases/${seg(alias)}` });
  }
}

const nonceBase = (target: NonceTarget) => ('actor' in target ? `/${seg(target.actor)}` : `/aliases/${seg(target.alias)}`);

/** Nonces: tokens for one actor or alias, at a level, for a number of uses. */
export class Nonces {
  constructor(private readonly transport: Transport) {}

  async list(target: NonceTarget): Promise<NonceRecord[]> {
    return (await this.transport.result<unknown[]>({ method: 'GET', path: `${nonceBase(target)}/nonces` })).map((n) => camel<NonceRecord>(n));
  }
  async create(target: NonceTarget, input: NonceInput = {}): Promise<NonceRecord> {
    return camel(await this.transport.result({ method: 'POST', path: `${nonceBase(target)}/nonces`, json: input }));
  }
  async get(target: NonceTarget, nonceId: string): Promise<NonceRecord> {
    return camel(await this.transport.result({ method: 'GET', path: `${nonceBase(target)}/nonces/${seg(nonceId)}` }));
  }
  async delete(target: NonceTarget, nonceId: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `${nonceBase(target)}/nonces/${seg(nonceId)}` });
  }
}

/** Actor configs: named values injected into the executions of the actors they are shared with. */
export class Configs {
  constructor(private readonly transport: Transport) {}

  async list(): Promise<ConfigRecord[]> {
    return (await this.transport.result<unknown[]>({ method: 'GET', path: '/configs' })).map((c) => camel<ConfigRecord>(c));
  }
  async create(input: ConfigInput): Promise<ConfigRecord> {
    return camel(await this.transport.result({ method: 'POST', path: '/configs', json: configBody(input) }));
  }
  async get(name: string): Promise<ConfigRecord> {
    return camel(await this.transport.result({ method: 'GET', path: `/configs/${seg(name)}` }));
  }
  async update(name: string, input: Omit<ConfigInput, 'name'>): Promise<ConfigRecord> {
    return camel(await this.transport.result({ method: 'PUT', path: `/configs/${seg(name)}`, json: configBody(input) }));
  }
  async delete(name: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/configs/${seg(name)}` });
  }
}

const configBody = <T extends Omit<ConfigInput, 'name'>>(input: T) => ({ ...input, actors: Array.isArray(input.actors) ? input.actors.join(',') : input.actors });

const permissionPath = (target: PermissionTarget) =>
  'actor' in target ? `/${seg(target.actor)}/permissions` : 'alias' in target ? `/aliases/${seg(target.alias)}/permissions` : `/configs/${seg(target.config)}/permissions`;

/** Permissions on an actor, an alias or a config: user → level. */
export class PermissionsApi {
  constructor(private readonly transport: Transport) {}

  async list(target: PermissionTarget): Promise<Permissions> {
    return this.transport.result({ method: 'GET', path: permissionPath(target) });
  }
  /** Grants `level` to `user` (`ABACO_WORLD`: everyone); NONE revokes. Answers the permissions after. */
  async grant(target: PermissionTarget, user: string, level: Level): Promise<Permissions> {
    return this.transport.result({ method: 'POST', path: permissionPath(target), json: { user, level } });
  }
}
