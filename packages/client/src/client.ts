import { camel } from './casing.js';
import type { ActivityRecord, Nodes, Utilization } from './records.js';
import { Actors } from './resources/actors.js';
import { Executions } from './resources/executions.js';
import { Messages } from './resources/messages.js';
import { Search } from './resources/search.js';
import { Aliases, Configs, Nonces, PermissionsApi } from './resources/sharing.js';
import { Workers } from './resources/workers.js';
import { Transport, type ClientOptions } from './transport.js';

/**
 * A client of the Abaco API, for Node (20+) and browsers: every resource of the API, with records in
 * camelCase, refusals as {@link AbacoError}s, and retries of GET, PUT and DELETE.
 *
 * ```ts
 * const abaco = new AbacoClient({ url: 'http://127.0.0.1:8000', credentials: { token: 'my-token' } });
 * const actor = await abaco.actors.create({ image: 'abacosamples/wc' });
 * ```
 */
export class AbacoClient {
  readonly actors: Actors;
  readonly messages: Messages;
  readonly executions: Executions;
  readonly workers: Workers;
  readonly aliases: Aliases;
  readonly nonces: Nonces;
  readonly configs: Configs;
  readonly permissions: PermissionsApi;
  readonly search: Search;
  /** Admins' views: the nodes serving the API. */
  readonly admin: { nodes: () => Promise<Nodes> };
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    const transport = (this.transport = new Transport(options));
    this.actors = new Actors(transport);
    this.messages = new Messages(transport);
    this.executions = new Executions(transport);
    this.workers = new Workers(transport);
    this.aliases = new Aliases(transport);
    this.nonces = new Nonces(transport);
    this.configs = new Configs(transport);
    this.permissions = new PermissionsApi(transport);
    this.search = new Search(transport);
    this.admin = {
      nodes: async () => {
        const { nodes, leader } = await transport.result<{ nodes: unknown[]; leader: string | null }>({ method: 'GET', path: '/admin/nodes' });
        return { nodes: nodes.map((node) => camel(node)), leader };
      },
    };
  }

  /**
   * Activity per minute over the last `minutes` (at most 60, the default): of one actor (`actor`: id
   * or alias), or of a page of the actors the caller may read (`limit`: default 50, at most 200;
   * `skip`; `page.total` says how many there are). `overall.covers` says what the series add up.
   */
  async activity(query: { actor?: string; minutes?: number; limit?: number; skip?: number } = {}): Promise<ActivityRecord> {
    return camel(await this.transport.result({ method: 'GET', path: '/stats', query }));
  }

  /** The tenant's utilization: actors, workers, the runtime and whether it isolates actors. */
  async utilization(): Promise<Utilization> {
    return camel(await this.transport.result({ method: 'GET', path: '/utilization' }));
  }
}
