import { CronExpressionParser } from 'cron-parser';
import { BadRequestError } from '../errors.js';

/**
 * Cron schedules, in upstream's format `yyyy-mm-dd hh + <n> <unit>` or `now + <n> <unit>` (units
 * hour, day, week, month, singular or plural; UTC; hour granularity), and, as an extension, standard
 * five-field cron expressions (`*\/15 * * * *`, UTC, minute granularity).
 */
export type Schedule =
  | { kind: 'interval'; start: Date; every: number; unit: Unit }
  | { kind: 'cron'; expression: string };

type Unit = 'hour' | 'day' | 'week' | 'month';
const UNITS: Record<string, Unit> = { hour: 'hour', hours: 'hour', day: 'day', days: 'day', week: 'week', weeks: 'week', month: 'month', months: 'month' };

const INTERVAL = /^\s*(now|\S+\s+\S+)\s*\+\s*(\d+)\s+(\S+)\s*$/i;
const START = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2})$/;

/** The start of the hour `at` is in (UTC). */
const hourOf = (at: Date): Date => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/**
 * Parses and checks a schedule given at time `now`; refusals carry upstream's texts. A start in
 * the past is refused, unless `stored` (a schedule accepted earlier, read back to advance it).
 */
export function parseSchedule(text: string, now: Date, stored = false): Schedule {
  const interval = INTERVAL.exec(text);
  if (!interval) return parseCronExpression(text);
  const [, startText, everyText, unitText] = interval as unknown as [string, string, string, string];
  const unit = UNITS[unitText.toLowerCase()];
  if (!unit) throw new BadRequestError(`${unitText} is an invalid unit of time`);
  const every = Number(everyText);
  if (every < 1) throw new BadRequestError('The cron is not in the correct format');
  const start = startText.toLowerCase() === 'now' ? hourOf(now) : parseStart(startText.trim().replace(/\s+/, ' '));
  if (!stored && start < hourOf(now)) {
    throw new BadRequestError(`The starting datetime is old. The current UTC time is ${formatHour(hourOf(now))}`);
  }
  return { kind: 'interval', start, every, unit };
}

function parseStart(text: string): Date {
  const m = START.exec(text);
  const [year, month, day, hour] = m ? m.slice(1).map(Number) as [number, number, number, number] : [0, 0, 0, 0];
  const date = new Date(Date.UTC(year, month - 1, day, hour));
  const valid = m !== null && hour < 24 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!valid) throw new BadRequestError(`The starting date ${text} is not in the correct format`);
  return date;
}

function parseCronExpression(text: string): Schedule {
  const expression = text.trim();
  try {
    if (expression.split(/\s+/).length !== 5) throw new Error('not five fields');
    CronExpressionParser.parse(expression, { tz: 'UTC', strict: false });
  } catch {
    throw new BadRequestError('The cron is not in the correct format');
  }
  return { kind: 'cron', expression };
}

/** The first run of a schedule registered at `now`. */
export function firstRun(schedule: Schedule, now: Date): Date {
  if (schedule.kind === 'interval') return schedule.start;
  return nextCronTime(schedule.expression, new Date(now.getTime() - 1));
}

/**
 * The run after `due` that is still ahead of `now`: a schedule whose next run is in the past
 * catches up to its next slot (and the caller runs once), as upstream does since its issue #106.
 */
export function runAfter(schedule: Schedule, due: Date, now: Date): Date {
  if (schedule.kind === 'cron') return nextCronTime(schedule.expression, due > now ? due : now);
  let next = step(due, schedule);
  while (next <= now) next = step(next, schedule);
  return next;
}

function step(from: Date, { every, unit }: { every: number; unit: Unit }): Date {
  const next = new Date(from);
  if (unit === 'hour') next.setUTCHours(next.getUTCHours() + every);
  if (unit === 'day') next.setUTCDate(next.getUTCDate() + every);
  if (unit === 'week') next.setUTCDate(next.getUTCDate() + 7 * every);
  if (unit === 'month') {
    const day = next.getUTCDate();
    next.setUTCDate(1);
    next.setUTCMonth(next.getUTCMonth() + every);
    const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
    next.setUTCDate(Math.min(day, lastDay)); // Jan 31 + 1 month = Feb 28, as relativedelta
  }
  return next;
}

function nextCronTime(expression: string, after: Date): Date {
  return CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: after }).next().toDate();
}

/** `cronNextEx` as shown: `YYYY-M-D H` for upstream schedules, an ISO time for cron expressions. */
export function formatNextEx(schedule: Schedule, at: Date): string {
  if (schedule.kind === 'cron') return at.toISOString();
  return `${at.getUTCFullYear()}-${at.getUTCMonth() + 1}-${at.getUTCDate()} ${at.getUTCHours()}`;
}

/** Reads back a `cronNextEx` written by `formatNextEx`. */
export function parseNextEx(text: string): Date {
  const m = START.exec(text);
  if (!m) return new Date(text);
  const [year, month, day, hour] = m.slice(1).map(Number) as [number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour));
}

const pad = (n: number) => String(n).padStart(2, '0');
function formatHour(at: Date): string {
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:00:00`;
}
