import { request } from 'undici';
import type { EngineContext } from '../engine/context.js';
import type { Actor } from '../model/actor.js';
import type { Execution } from '../model/execution.js';

export type EventType = 'ACTOR_READY' | 'ACTOR_ERROR' | 'EXECUTION_COMPLETE';

/** An event as linked actors and webhooks receive it (the user guide's fields). */
export interface AbacoEvent {
  tenant_id: string;
  event_type: EventType;
  event_time_utc: number;
  event_time_display: string;
  actor_id: string;
  actor_dbid: string;
  _abaco_link: string;
  _abaco_webhook: string;
  _abaco_username: 'Abaco Event';
  status_message?: string;
  execution_id?: string;
  status?: string;
  exit_code?: number | string | null;
}

/** Sends an event to a linked actor as a JSON message (executor "Abaco Event"). */
export type LinkSender = (from: Actor, event: AbacoEvent) => Promise<void>;

/**
 * Delivers an actor's events to its linked actor and its webhook, in the order they happened for
 * that actor (one delivery chain per actor). A webhook gets one POST, no retries, as upstream;
 * a failed delivery is logged and does not hold up the next one.
 */
export class EventDispatcher {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly sendToLink: LinkSender,
  ) {}

  actorStatus(actor: Actor, type: 'ACTOR_READY' | 'ACTOR_ERROR', statusMessage = ''): void {
    this.publish(actor, type, type === 'ACTOR_ERROR' ? { status_message: statusMessage } : {});
  }

  executionComplete(actor: Actor, execution: Execution): void {
    this.publish(actor, 'EXECUTION_COMPLETE', { execution_id: execution.id, status: execution.status, exit_code: execution.exitCode });
  }

  /** Resolves when every event published so far has been delivered (or has failed). */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private publish(actor: Actor, type: EventType, fields: Partial<AbacoEvent>): void {
    if (actor.link === '' && actor.webhook === '') return;
    const now = this.ctx.now();
    const event: AbacoEvent = {
      tenant_id: actor.tenant,
      event_type: type,
      event_time_utc: now.getTime() / 1000,
      event_time_display: now.toISOString(),
      actor_id: actor.id,
      actor_dbid: actor.dbId,
      _abaco_link: actor.link,
      _abaco_webhook: actor.webhook,
      _abaco_username: 'Abaco Event',
      ...fields,
    };
    const previous = this.chains.get(actor.dbId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(actor, event));
    this.chains.set(actor.dbId, next);
    void next.then(() => {
      if (this.chains.get(actor.dbId) === next) this.chains.delete(actor.dbId);
    });
  }

  private async deliver(actor: Actor, event: AbacoEvent): Promise<void> {
    if (actor.link !== '') {
      await this.sendToLink(actor, event).catch((e: Error) => this.ctx.log.warn({ err: e, actor: actor.id, link: actor.link }, 'event to linked actor failed'));
    }
    if (actor.webhook !== '') {
      try {
        const response = await request(actor.webhook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await response.body.dump();
      } catch (e) {
        this.ctx.log.warn({ err: e, actor: actor.id, webhook: actor.webhook }, 'event to webhook failed');
      }
    }
  }
}
