import type { Identity } from '../auth/identity.js';
import type { EngineContext } from '../engine/context.js';
import { authorize } from '../registry/access.js';
import type { Actor } from '../model/actor.js';
import { formatNextEx, parseNextEx, parseSchedule, runAfter } from '../cron/schedule.js';
import { keys } from '../store/keys.js';
import { UNCHANGED } from '../store/store.js';
import type { MessageService } from './messages.js';

export const CRON_MESSAGE = 'This is your cron execution';

/**
 * Runs actors on their cron schedules: each tick, every actor whose cron is on and whose next run
 * is due gets the cron message (executor `cron`), and its next run moves on. A next run left in the
 * past (the engine was down) catches up to the next slot after now and runs once.
 */
export class CronScheduler {
  constructor(
    private readonly ctx: EngineContext,
    private readonly messages: MessageService,
  ) {}

  /** One pass now, asked for by a caller: admins only. */
  async tickAs(who: Identity): Promise<string[]> {
    await authorize(this.ctx, who, 'tenant.admin', { kind: 'tenant' });
    return this.tick();
  }

  /** One pass over every actor; returns the ids of the actors it ran. */
  async tick(): Promise<string[]> {
    const ran: string[] = [];
    for await (const [key, actor] of this.ctx.store.scan<Actor>(keys.allActors)) {
      if (!actor.cronOn || !actor.cronSchedule || !actor.cronNextEx) continue;
      let due = false;
      const updated = await this.ctx.store.update<Actor>(key, (current) => {
        const now = this.ctx.now();
        if (!current?.cronOn || !current.cronSchedule || !current.cronNextEx) return UNCHANGED;
        const next = parseNextEx(current.cronNextEx);
        if (next > now) return UNCHANGED;
        try {
          const schedule = parseSchedule(current.cronSchedule, now, true);
          due = true;
          return { ...current, cronNextEx: formatNextEx(schedule, runAfter(schedule, next, now)) };
        } catch {
          return { ...current, cronOn: false }; // a schedule that no longer parses switches cron off, as upstream
        }
      });
      if (!due || !updated) continue;
      await this.messages.enqueue(updated, { kind: 'str', text: CRON_MESSAGE }, 'cron');
      ran.push(actor.id);
    }
    return ran;
  }
}
