const FORM = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[:.](\d{1,6}))?)?)?)?)?)?\s*(Z|[+\- ]\d{2}(?::?\d{2})?)?$/;

/**
 * Milliseconds since the epoch of a date and time in any of the user guide's ISO-8601-like forms:
 * `2020`, `2020-04Z`, `2020-04-29`, `2020-04-29-06:00`, `2020-04-29T20-06:00`, `2020-04-29T20:15`,
 * `2020-04-29T20:15:52:246Z`, `2020-04-29T20:15:52.246252-06:00`. Missing parts take their least
 * value; without a zone the time is UTC. A `+` of a query string arrives as a space, so a space
 * before a zone is read as `+` (times are written with `T`).
 */
export function parseSearchTime(text: string): number | undefined {
  const m = FORM.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const date = new Date(utc);
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (!zone || zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return utc - sign * offset * 60_000;
}
