import { camel } from '../casing.js';
import { logStreamEvents } from '../log-stream.js';
import { paged } from '../paging.js';
import type { ExecutionList, ExecutionRecord, SearchPage } from '../records.js';
import type { Query, Transport } from '../transport.js';
import { seg } from './path.js';
import { searchPage } from './search.js';

/** The statuses an execution ends in. */
const FINISHED = new Set(['COMPLETE', 'ERROR']);

/** The executions of an actor: details, logs, results, halting, waiting, and paging through them. */
export class Executions {
  constructor(private readonly transport: Transport) {}

  /** The latest executions in short, and the actor's totals. */
  async list(actor: string): Promise<ExecutionList> {
    const list = camel<ExecutionList>(await this.transport.result({ method: 'GET', path: `/${seg(actor)}/executions` }));
    return { ...list, executions: list.executions.map((e) => camel(e)) };
  }

  /**
   * Every execution of the actor matching `query` (search conditions, e.g. `{ status: 'ERROR' }`),
   * in the order they were received, `pageSize` a request (by `skip` and `limit`).
   */
  iterate(actor: string, query: Query = {}, { pageSize = 100 } = {}): AsyncGenerator<ExecutionRecord, void, undefined> {
    return paged(async (skip, limit) => {
      const page = await this.page(actor, { ...query, skip, limit });
      return { records: page.search, total: page.metadata.totalCount };
    }, pageSize);
  }

  /** One page of the actor's executions matching `query`, in the order they were received, with how many match in all. */
  async page(actor: string, query: Query = {}): Promise<SearchPage<'executions'>> {
    return searchPage<'executions'>(await this.transport.result({ method: 'GET', path: `/${seg(actor)}/executions`, query }));
  }

  async get(actor: string, executionId: string): Promise<ExecutionRecord> {
    return camel(await this.transport.result({ method: 'GET', path: `/${seg(actor)}/executions/${seg(executionId)}` }));
  }

  /** The execution's logs so far (its whole output once it has finished). */
  async logs(actor: string, executionId: string): Promise<string> {
    return (await this.transport.result<{ logs: string }>({ method: 'GET', path: `/${seg(actor)}/executions/${seg(executionId)}/logs` })).logs;
  }

  /** Takes the execution's next result (what it sent to its results socket); empty when none is left. */
  async result(actor: string, executionId: string): Promise<Uint8Array> {
    const response = await this.transport.send({ method: 'GET', path: `/${seg(actor)}/executions/${seg(executionId)}/results` });
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Halts a RUNNING execution (its container is killed; it ends COMPLETE, as upstream). */
  async halt(actor: string, executionId: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/${seg(actor)}/executions/${seg(executionId)}` });
  }

  /**
   * Polls the execution until it is COMPLETE or ERROR (every `intervalMs`, 250 by default), and
   * answers it; `onPoll` is shown the execution each time it is read.
   */
  async wait(
    actor: string,
    executionId: string,
    { intervalMs = 250, signal, onPoll }: { intervalMs?: number; signal?: AbortSignal; onPoll?: (execution: ExecutionRecord) => void } = {},
  ): Promise<ExecutionRecord> {
    for (;;) {
      const execution = await this.get(actor, executionId);
      onPoll?.(execution);
      if (FINISHED.has(execution.status)) return execution;
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * The execution's output as it comes: each new piece of its logs, until it has finished and its
   * last output is given. The server streams it (`logs?follow=true`, server-sent events); a server
   * that answers with the logs instead (upstream Abaco) is polled every `intervalMs` (250 by default).
   */
  async *followLogs(actor: string, executionId: string, { intervalMs = 250, signal }: { intervalMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<string, void, undefined> {
    const path = `/${seg(actor)}/executions/${seg(executionId)}/logs`;
    const response = await this.transport.send({ method: 'GET', path, query: { follow: true }, accept: 'text/event-stream, application/json', signal });
    if (response.body && response.headers.get('content-type')?.startsWith('text/event-stream')) {
      for await (const event of logStreamEvents(response.body, path)) if (event.type === 'log') yield event.text;
      return;
    }
    await response.body?.cancel();
    for (let given = 0; ; ) {
      const finished = FINISHED.has((await this.get(actor, executionId)).status);
      const logs = await this.logs(actor, executionId);
      if (logs.length > given) yield logs.slice(given);
      given = Math.max(given, logs.length);
      if (finished) return;
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
