import { BadRequestError } from '../errors.js';
import { snakeToCamel } from '../model/casing.js';
import { parseSearchTime } from './times.js';

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'nlike', 'between'] as const;
export type Operator = (typeof OPERATORS)[number];

/** The operators that compare a field with a value (`like` and `nlike` take patterns instead). */
export type Comparison = Exclude<Operator, 'like' | 'nlike'>;

interface Field {
  /** The query parameter as given, for messages. */
  parameter: string;
  /** Field path in camelCase at the top, as stored below (`finalState.FinishedAt`). */
  path: string[];
}

export interface Condition extends Field {
  op: Comparison;
  value: unknown;
}

/** A `like` (or, negated, `nlike`) condition: an RE2 regular expression found anywhere in the field. */
export interface PatternCondition extends Field {
  negated: boolean;
  pattern: string;
}

/** The longest pattern `like` and `nlike` accept, in characters. */
export const PATTERN_MAX_LENGTH = 256;
/** The longest `search` or `exactsearch` text, in characters. */
export const SEARCH_TEXT_MAX_LENGTH = 256;
/** The `limit` of a search that gives none: upstream's 100 (its `record_limit` shows it). */
export const SEARCH_DEFAULT_LIMIT = 100;
/** The most conditions and patterns one search may hold (each costs every record looked at). */
export const SEARCH_MAX_CONDITIONS = 50;

/** How deep a search may page: `skip + limit` at most this (or the largest `limit`, when larger). */
export const SEARCH_MAX_WINDOW = 10_000;

export interface SearchQuery {
  conditions: Condition[];
  patterns: PatternCondition[];
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
 * `limit` (default {@link SEARCH_DEFAULT_LIMIT} or `maxLimit` when lower, at most `maxLimit`) and `skip` (`skip + limit` at most {@link SEARCH_MAX_WINDOW}
 * or `maxLimit`, whichever is larger). `like` and `nlike` take regular expressions, which RE2 checks
 * when the search runs. A bad parameter is a 400 that names it and the rule.
 */
export function parseSearch(params: Record<string, unknown>, maxLimit: number): SearchQuery {
  const query: SearchQuery = { conditions: [], patterns: [], limit: Math.min(SEARCH_DEFAULT_LIMIT, maxLimit), skip: 0 };
  for (const [parameter, raw] of Object.entries(params)) {
    if (CONTROL.has(parameter)) {
      if (Array.isArray(raw)) throw new BadRequestError(`Invalid search: the parameter '${parameter}' may be given only once.`);
      if (parameter === 'limit' || parameter === 'skip') query[parameter] = count(parameter, String(raw), parameter === 'limit' ? maxLimit : Infinity);
      if (parameter === 'search' || parameter === 'exactsearch') query[parameter] = searchText(parameter, String(raw));
      continue;
    }
    for (const value of ([] as unknown[]).concat(raw)) {
      const c = condition(parameter, String(value));
      if ('pattern' in c) query.patterns.push(c);
      else query.conditions.push(c);
    }
  }
  const held = query.conditions.length + query.patterns.length;
  if (held > SEARCH_MAX_CONDITIONS) throw new BadRequestError(`Invalid search: at most ${SEARCH_MAX_CONDITIONS} conditions; got ${held}.`);
  const window = Math.max(SEARCH_MAX_WINDOW, maxLimit);
  if (query.skip + query.limit > window) {
    throw new BadRequestError(`Invalid search: 'skip' plus 'limit' may be at most ${window}; got skip ${query.skip} and limit ${query.limit}. Narrow the search instead of paging this deep.`);
  }
  return query;
}

function searchText(parameter: string, value: string): string {
  if (value.length > SEARCH_TEXT_MAX_LENGTH) throw new BadRequestError(`Invalid search: '${parameter}' may be at most ${SEARCH_TEXT_MAX_LENGTH} characters; got ${value.length}.`);
  return value;
}

function count(parameter: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > max) {
    throw new BadRequestError(`Invalid search: '${parameter}' must be a whole number${Number.isFinite(max) ? ` from 0 to ${max}` : ''}; got '${text}'.`);
  }
  return n;
}

function condition(parameter: string, text: string): Condition | PatternCondition {
  const parts = parameter.split('.');
  const last = parts[parts.length - 1]!;
  const op = (OPERATORS as readonly string[]).includes(last) && parts.length > 1 ? (parts.pop() as Operator) : 'eq';
  if (parts.length === 0 || parts.some((p) => p === '')) throw new BadRequestError(`Invalid search parameter '${parameter}': expected <field>.<operator>=<value>.`);
  const path = [snakeToCamel(parts[0]!), ...parts.slice(1)];
  if (op === 'like' || op === 'nlike') {
    if (text.length > PATTERN_MAX_LENGTH) throw new BadRequestError(`Invalid search parameter '${parameter}': a pattern may be at most ${PATTERN_MAX_LENGTH} characters; got ${text.length}.`);
    return { parameter, path, negated: op === 'nlike', pattern: text };
  }
  const isTime = TIME_FIELDS.has(path.join('.'));
  const convert = (v: string) => (isTime ? time(parameter, v) : scalar(v));
  let value: unknown;
  if (op === 'in' || op === 'nin') value = list(parameter, text).map((v) => (isTime ? time(parameter, String(v)) : v));
  else if (op === 'between') {
    const bounds = splitBounds(text);
    if (bounds.length !== 2) throw new BadRequestError(`Invalid search parameter '${parameter}': between takes two values separated by a comma.`);
    value = bounds.map(convert);
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
