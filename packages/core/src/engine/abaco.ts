import { pino, type Logger } from 'pino';
import type { Identity } from '../auth/identity.js';
import { ActorRegistry } from '../registry/actors.js';
import { checkNonceScope, resolveActor, type Permissions } from '../registry/access.js';
import { AliasRegistry } from '../registry/aliases.js';
import { ConfigRegistry } from '../registry/configs.js';
import { NonceRegistry } from '../registry/nonces.js';
import { grantPermission, listPermissions, type Shared } from '../registry/permissions.js';
import { StateStore } from '../registry/state.js';
import { LevelStore } from '../store/level-store.js';
import type { Store } from '../store/store.js';
import type { EngineContext } from './context.js';
import { defaultSettings, type Settings } from './settings.js';

export interface AbacoOptions {
  /** A directory for the embedded level store. Ignored when `store` is given; in memory when neither is. */
  dataDir?: string;
  /** A Store to use instead of the embedded one. The engine closes it on `close()`. */
  store?: Store;
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
  readonly permissions = {
    list: async (who: Identity, target: PermissionTarget): Promise<Permissions> => listPermissions(this.ctx, who, await this.shared(who, target)),
    grant: async (who: Identity, target: PermissionTarget, input: { user?: unknown; level?: unknown }): Promise<Permissions> =>
      grantPermission(this.ctx, who, await this.shared(who, target), input),
  };

  private constructor(private readonly ctx: EngineContext) {
    this.state = new StateStore(ctx);
    this.actors = new ActorRegistry(ctx, this.state);
    this.aliases = new AliasRegistry(ctx);
    this.nonces = new NonceRegistry(ctx);
    this.configs = new ConfigRegistry(ctx);
  }

  static async open(options: AbacoOptions = {}): Promise<Abaco> {
    const store = options.store ?? (options.dataDir ? await LevelStore.open(options.dataDir) : await LevelStore.memory());
    const settings = { ...defaultSettings(), ...options.settings };
    const log = options.logger ?? pino({ level: process.env.ABACO_LOG_LEVEL ?? 'warn' });
    return new Abaco({ store, settings, now: options.now ?? (() => new Date()), log });
  }

  get settings(): Readonly<Settings> {
    return this.ctx.settings;
  }

  async close(): Promise<void> {
    await this.ctx.store.close();
  }

  private async shared(who: Identity, target: PermissionTarget): Promise<Shared> {
    if ('alias' in target) return this.aliases.shared(who, target.alias);
    if ('config' in target) return this.configs.shared(who, target.config);
    const reached = await resolveActor(this.ctx, who.tenant, target.actor);
    checkNonceScope(who, reached);
    const { actor } = reached;
    return { kind: 'actor', name: actor.id, owner: actor.owner, refusal: 'Not authorized -- you do not have access to this actor.' };
  }
}
