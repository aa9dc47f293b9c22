import { camel } from '../casing.js';
import type { WorkerRecord } from '../records.js';
import type { Transport } from '../transport.js';
import { seg } from './path.js';

/** The workers of an actor. */
export class Workers {
  constructor(private readonly transport: Transport) {}

  async list(actor: string): Promise<WorkerRecord[]> {
    return (await this.transport.result<unknown[]>({ method: 'GET', path: `/${seg(actor)}/workers` })).map((w) => camel<WorkerRecord>(w));
  }

  async get(actor: string, workerId: string): Promise<WorkerRecord> {
    return camel(await this.transport.result({ method: 'GET', path: `/${seg(actor)}/workers/${seg(workerId)}` }));
  }

  /** Makes sure the actor has at least `num` workers (admins only); answers the server's account of it. */
  async ensure(actor: string, num = 1): Promise<string> {
    return (await this.transport.envelope({ method: 'POST', path: `/${seg(actor)}/workers`, json: { num } })).message;
  }

  /** Stops a worker (after the execution it runs, if any). */
  async stop(actor: string, workerId: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/${seg(actor)}/workers/${seg(workerId)}` });
  }
}
