const color = (code: number) => (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = color(1);
const green = color(32);
const red = color(31);
const yellow = color(33);

/** A status word, coloured on a terminal. */
export function status(value: unknown): string {
  const text = String(value ?? '');
  if (/^(READY|COMPLETE)$/.test(text)) return green(text);
  if (/^ERROR/.test(text)) return red(text);
  return yellow(text);
}

const UNITS: [string, number][] = [['year', 31_536_000], ['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]];

/** "3 minutes ago" for an ISO time; the text itself for anything else. */
export function ago(value: unknown, now = Date.now()): string {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) return value === null || value === undefined ? '' : String(value);
  const seconds = Math.round((now - at) / 1000);
  const [unit, size] = UNITS.find(([, n]) => Math.abs(seconds) >= n) ?? ['second', 1];
  const amount = Math.floor(Math.abs(seconds) / size);
  const text = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

const visible = (text: string) => text.replace(/\u001b\[\d+m/g, '').length;

/** An aligned table: a header row and rows of cells. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ').trimEnd();
  return [bold(line(header)), ...rows.map(line)].join('\n');
}

/** `key  value` lines for one record. */
export function fields(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([k, v]) => `${bold(k.padEnd(width))}  ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '')}`)
    .join('\n');
}
