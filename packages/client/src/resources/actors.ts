import { camel } from '../casing.js';
import type { ActorInput, ActorRecord } from '../records.js';
import type { Transport } from '../transport.js';
import { seg } from './path.js';

/** Actors (by id or alias) and their state. */
export class Actors {
  constructor(private readonly transport: Transport) {}

  /** The actors the caller may read. */
  async list(): Promise<ActorRecord[]> {
    return (await this.transport.result<unknown[]>({ method: 'GET', path: '' })).map((actor) => camel<ActorRecord>(actor));
  }

  /** Registers an actor. */
  async create(input: ActorInput): Promise<ActorRecord> {
    return camel(await this.transport.result({ method: 'POST', path: '', json: input }));
  }

  async get(actor: string): Promise<ActorRecord> {
    return camel(await this.transport.result({ method: 'GET', path: `/${seg(actor)}` }));
  }

  /** Updates an actor: the fields given replace the record's (the image is required, as on upstream). */
  async update(actor: string, input: ActorInput): Promise<ActorRecord> {
    return camel(await this.transport.result({ method: 'PUT', path: `/${seg(actor)}`, json: input }));
  }

  async delete(actor: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/${seg(actor)}` });
  }

  /** The state of a stateful actor (any JSON value; `{}` until set). */
  async state(actor: string): Promise<unknown> {
    return camel<{ state: unknown }>(await this.transport.result({ method: 'GET', path: `/${seg(actor)}/state` })).state;
  }

  /** Replaces the state of a stateful actor. */
  async setState(actor: string, state: unknown): Promise<void> {
    await this.transport.send({ method: 'POST', path: `/${seg(actor)}/state`, json: state });
  }
}
