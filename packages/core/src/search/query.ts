import { BadRequestError } from '../errors.js';
import { snakeToCamel } from '../model/casing.js';
import { parseSearchTime } from './times.js';

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'nlike', 'between'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Condition {
  /** The query parameter as given, for messages. */
  parameter: string;
  /** Field path in camelCase at the top, as stored below (`finalState.FinishedAt`). */
  path: string[];
  op: Operator;
  value: unknown;
}

export interface SearchQuery {
  conditions: Condition[];
  search?: string;
  exactsearch?: string;
  limit: number;
  skip: number;
}

/** Fields holding times: their values are compared as times. */
const TIME_FIELDS = new Set(['createTime', 'lastUpdateTime', 'messageReceivedTime', 'startTime', 'finishTime', 'lastExecutionTime', 'lastHealthCheckTime', 'finalState.StartedAt', 'finalState.FinishedAt']);
const CONTROL = new Set(['search', 'exactsearch', 'limit', 'skip', 'x-nonce']);

/**
 * Parses search parameters: `<field>.<op>=<value>` (op eq when left out), `search`, `exactsearch`,
 * `limit` (default 10, at most `maxLimit`) and `skip`. A bad parameter is a 400 that names it.
 */
export function parseSearch(params: Record<string, unknown>, maxLimit: number): SearchQuery {
  const query: SearchQuery = { conditions: [], limit: 10, skip: 0 };
  for (const [parameter, raw] of Object.entries(params)) {
    if (CONTROL.has(parameter)) {
      if (Array.isArray(raw)) throw new BadRequestError(`Invalid search: the parameter '${parameter}' may be given only once.`);
      if (parameter === 'limit' || parameter === 'skip') query[parameter] = count(parameter, String(raw), parameter === 'limit' ? maxLimit : Infinity);
      if (parameter === 'search' || parameter === 'exactsearch') query[parameter] = String(raw);
      continue;
    }
    for (const value of ([] as unknown[]).concat(raw)) query.conditions.push(condition(parameter, String(value)));
  }
  return query;
}

function count(parameter: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > max) {
    throw new BadRequestError(`Invalid search: '${parameter}' must be a whole number${Number.isFinite(max) ? ` from 0 to ${max}` : ''}; got '${text}'.`);
  }
  return n;
}

function condition(parameter: string, text: string): Condition {
  const parts = parameter.split('.');
  const last = parts[parts.length - 1]!;
  const op = (OPERATORS as readonly string[]).includes(last) && parts.length > 1 ? (parts.pop() as Operator) : 'eq';
  if (parts.length === 0 || parts.some((p) => p === '')) throw new BadRequestError(`Invalid search parameter '${parameter}': expected <field>.<operator>=<value>.`);
  const path = [snakeToCamel(parts[0]!), ...parts.slice(1)];
  const isTime = TIME_FIELDS.has(path.join('.'));
  const convert = (v: string) => (isTime ? time(parameter, v) : scalar(v));
  let value: unknown;
  if (op === 'in' || op === 'nin') value = list(parameter, text).map((v) => (isTime ? time(parameter, String(v)) : v));
  else if (op === 'between') {
    const bounds = splitBounds(text);
    if (bounds.length !== 2) throw new BadRequestError(`Invalid search parameter '${parameter}': between takes two values separated by a comma.`);
    value = bounds.map(convert);
  } else if (op === 'like' || op === 'nlike') {
    try {
      value = new RegExp(text);
    } catch {
      throw new BadRequestError(`Invalid search parameter '${parameter}': '${text}' is not a valid pattern.`);
    }
  } else value = convert(text);
  return { parameter, path, op, value };
}

/** Booleans (true/True/false/False), numbers, or the string itself. */
function scalar(text: string): unknown {
  if (/^(true|True)$/.test(text)) return true;
  if (/^(false|False)$/.test(text)) return false;
  if (text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  return text.replace(/^"(.*)"$/, '$1');
}

function time(parameter: string, text: string): number {
  const at = parseSearchTime(text);
  if (at === undefined) throw new BadRequestError(`Invalid search parameter '${parameter}': '${text}' is not a date and time (e.g. 2020-04-29T20:15:52Z, 2020-04-29, 2020).`);
  return at;
}

/** A list in JSON (`["a","b"]`) or Python (`['a','b']`) form. */
function list(parameter: string, text: string): unknown[] {
  const normalized = text.trim().replace(/[“”]/g, '"').replace(/'/g, '"');
  try {
    const parsed: unknown = JSON.parse(normalized);
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // refused below
  }
  throw new BadRequestError(`Invalid search parameter '${parameter}': expected a list such as ["a", "b"] or ['a', 'b'].`);
}

/** The two values of `between`: split at the comma that separates them (not inside a time zone). */
function splitBounds(text: string): string[] {
  const cut = text.indexOf(',');
  return cut < 0 ? [text] : [text.slice(0, cut).trim(), text.slice(cut + 1).trim()];
}
