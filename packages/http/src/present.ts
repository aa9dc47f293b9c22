import { withCasing, type ActorConfig, type SearchResult, type LogRecord, type ActorView, type Alias, type Casing, type Execution, type ExecutionSummary, type Nonce, type Worker } from '@abaco/core';

type Out = Record<string, unknown>;

/**
 * How records are shown: upstream's fields, in the server's casing, with `_links` built from the
 * public base URL and the API's actors path (`/actors/v2`, or `/v3/actors` for the v3 API).
 * Internal fields (tenant, db id, api server of actors) are not shown, except a worker's tenant
 * outside search results, as upstream.
 */
export class Presenter {
  constructor(
    private readonly casing: Casing,
    private readonly base: string,
    private readonly actorsPath = '/actors/v2',
  ) {}

  cased(record: Out): Out {
    return withCasing(record, this.casing);
  }

  actorUrl(actorId: string): string {
    return `${this.base}${this.actorsPath}/${actorId}`;
  }

  ownerUrl(owner: string): string {
    return `${this.base}/profiles/v2/${owner}`;
  }

  actor(actor: ActorView): Out {
    const { tenant: _t, dbId: _d, apiServer: _a, ...shown } = actor;
    return this.cased({ ...shown, _links: { self: this.actorUrl(actor.id), owner: this.ownerUrl(actor.owner), executions: `${this.actorUrl(actor.id)}/executions` } });
  }

  execution(e: Execution): Out {
    const { tenant: _t, contentType: _c, ...shown } = e;
    const self = `${this.actorUrl(e.actorId)}/executions/${e.id}`;
    return this.cased({ ...shown, _links: { self, owner: this.ownerUrl(e.executor), logs: `${self}/logs` } });
  }

  executionSummary(s: ExecutionSummary): Out {
    return this.cased({
      actorId: s.actor.id,
      apiServer: s.actor.apiServer,
      owner: s.actor.owner,
      executions: s.executions.map((e) => this.cased({ id: e.id, status: e.status, startTime: e.startTime, finishTime: e.finishTime, messageReceivedTime: e.messageReceivedTime })),
      totalExecutions: s.totalExecutions,
      totalCpu: s.totalCpu,
      totalIo: s.totalIo,
      totalRuntime: s.totalRuntime,
      _links: { self: `${this.actorUrl(s.actor.id)}/executions`, owner: this.ownerUrl(s.actor.owner) },
    });
  }

  worker(w: Worker): Out {
    return this.cased({ ...w });
  }

  nonce(n: Nonce): Out {
    const { tenant: _t, ...shown } = n;
    const actor = n.actorId ? this.actorUrl(n.actorId) : `${this.base}${this.actorsPath}/aliases/${n.alias}`;
    return this.cased({ ...shown, _links: { self: `${actor}/nonces/${n.id}`, owner: this.ownerUrl(n.owner), actor } });
  }

  alias(a: Alias): Out {
    return this.cased({
      alias: a.alias,
      actorId: a.actorId,
      owner: a.owner,
      _links: { self: `${this.base}${this.actorsPath}/aliases/${a.alias}`, owner: this.ownerUrl(a.owner), actor: this.actorUrl(a.actorId) },
    });
  }

  log(l: LogRecord): Out {
    const execution = `${this.actorUrl(l.actorId)}/executions/${l.executionId}`;
    return this.cased({ actorId: l.actorId, executionId: l.executionId, logs: l.logs, _links: { self: `${execution}/logs`, execution } });
  }

  /** A search answer: the records as their collection is shown, and the metadata. */
  searchResult(r: SearchResult): Out {
    const show = (record: SearchResult['records'][number]): Out => {
      if (r.collection === 'actors') return this.actor({ ...(record as ActorView), state: undefined });
      if (r.collection === 'workers') {
        const { tenant: _t, ...worker } = record as Worker;
        return this.cased(worker);
      }
      if (r.collection === 'executions') return this.execution(record as Execution);
      return this.log(record as LogRecord);
    };
    return { search: r.records.map(show), _metadata: this.cased({ ...r.metadata }) };
  }

  config(c: ActorConfig): Out {
    return this.cased({ name: c.name, value: c.value, isSecret: c.isSecret, actors: c.actors, owner: c.owner });
  }
}
