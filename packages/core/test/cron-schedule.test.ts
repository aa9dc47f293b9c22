import t from 'tap';
import { firstRun, formatNextEx, parseNextEx, parseSchedule, runAfter } from '../src/cron/schedule.js';

const now = new Date('2026-03-10T14:25:00Z');

t.test('upstream format: a start hour plus an increment', async (t) => {
  const s = parseSchedule('2026-03-11 16 + 3 days', now);
  t.same(s, { kind: 'interval', start: new Date('2026-03-11T16:00:00Z'), every: 3, unit: 'day' });
  t.equal(formatNextEx(s, firstRun(s, now)), '2026-3-11 16', 'no zero padding, as upstream');
  t.same(parseNextEx('2026-3-11 16'), new Date('2026-03-11T16:00:00Z'));
  for (const [text, unit] of [['now + 1 hour', 'hour'], ['now + 2 hours', 'hour'], ['now + 1 week', 'week'], ['now + 1 months', 'month']] as const) {
    t.match(parseSchedule(text, now), { kind: 'interval', unit, start: new Date('2026-03-10T14:00:00Z') }, text);
  }
  t.same(parseSchedule('2026-03-10 14 + 1 hour', now), { kind: 'interval', start: new Date('2026-03-10T14:00:00Z'), every: 1, unit: 'hour' }, 'the current hour is not old');
});

t.test('refusals with upstream texts', async (t) => {
  t.throws(() => parseSchedule('2026-03-10 + 1 hour', now), { message: 'The cron is not in the correct format' });
  t.throws(() => parseSchedule('now + 0 hours', now), { message: 'The cron is not in the correct format' });
  t.throws(() => parseSchedule('2026-02-30 10 + 1 hour', now), { message: 'The starting date 2026-02-30 10 is not in the correct format' });
  t.throws(() => parseSchedule('2026-03-10 25 + 1 hour', now), { message: /is not in the correct format/ });
  t.throws(() => parseSchedule('2026-03-10 13 + 1 hour', now), { message: 'The starting datetime is old. The current UTC time is 2026-03-10 14:00:00' });
  t.throws(() => parseSchedule('now + 1 minute', now), { message: 'minute is an invalid unit of time' });
  t.throws(() => parseSchedule('* * *', now), { message: 'The cron is not in the correct format' });
  t.throws(() => parseSchedule('61 * * * *', now), { message: 'The cron is not in the correct format' });
});

t.test('a schedule whose next run is past catches up to the next slot', async (t) => {
  const s = parseSchedule('2026-03-10 14 + 1 hour', now);
  const later = new Date('2026-03-10T18:30:00Z');
  t.same(runAfter(s, new Date('2026-03-10T14:00:00Z'), later), new Date('2026-03-10T19:00:00Z'));
  const monthly = parseSchedule('2026-03-31 10 + 1 month', now);
  t.same(runAfter(monthly, monthly.kind === 'interval' ? monthly.start : now, new Date('2026-04-01T00:00:00Z')), new Date('2026-04-30T10:00:00Z'), 'Mar 31 + 1 month is Apr 30');
});

t.test('extension: five-field cron expressions in UTC', async (t) => {
  const s = parseSchedule('*/15 * * * *', now);
  t.same(s, { kind: 'cron', expression: '*/15 * * * *' });
  t.same(firstRun(s, now), new Date('2026-03-10T14:30:00Z'));
  t.same(runAfter(s, new Date('2026-03-10T14:30:00Z'), new Date('2026-03-10T15:07:00Z')), new Date('2026-03-10T15:15:00Z'));
  t.equal(formatNextEx(s, new Date('2026-03-10T14:30:00Z')), '2026-03-10T14:30:00.000Z');
});
