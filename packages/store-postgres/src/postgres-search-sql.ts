import type { Condition, IndexedSearch, PatternCondition } from '@abaco/core';
import { likeEscape } from './postgres-store.js';

/** A part of a search that has no exact translation to SQL here: the search is left to core. */
export class Untranslatable extends Error {}

/**
 * Where each collection's records are (the key layout of core's store/keys.ts): the first part of
 * their keys, the part after the tenant that names the collection (if any), and which parts hold
 * the actor's and the execution's ids. The partial indexes of migration 2 repeat the executions' one.
 */
const LAYOUT = {
  actors: { root: 'a', kind: undefined, actor: 3, execution: undefined },
  workers: { root: 'w', kind: undefined, actor: 3, execution: undefined },
  executions: { root: 't', kind: 'exec', actor: 4, execution: undefined },
  logs: { root: 't', kind: 'log', actor: 4, execution: 5 },
} as const;

/** Top-level fields written into SQL as they are (they match the indexes' expressions); every other field name is a parameter. */
const NAMED_FIELDS: ReadonlySet<string> = new Set(['status', 'messageReceivedTime', 'createTime', 'actorId', 'id', 'executionId', 'logs']);

/** An execution's status, as the execution indexes hold it. */
export const STATUS = `(search ->> 'status')`;

/** The n-th '/'-separated part of a key (counting from 1). */
const part = (n: number) => `split_part(key, '/', ${n})`;

/** A LIKE pattern for an RE2 pattern made of plain characters (and escaped punctuation), with `^` and `$` anchors at its ends; undefined for any other. */
function likeOf(pattern: string): string | undefined {
  let text = '';
  let body = pattern;
  const start = body.startsWith('^') ? '' : '%';
  if (start === '') body = body.slice(1);
  let end = '%';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || !/[!-/:-@[-`{-~]/.test(next)) return undefined;
      text += next;
      i++;
    } else if (c === '$' && i === body.length - 1) end = '';
    else if ('.+*?()|[]{}^$'.includes(c)) return undefined;
    else text += c;
  }
  return start + likeEscape(text) + end;
}

/**
 * The SQL of one search over the `records` table: the records of the collection of the actors in
 * reach (`base`), the conditions and patterns translated (`filters`), with every value and every
 * field name from the query bound as a parameter, never written into the SQL. Conditions mean
 * what core's `matches` means: see the functions of migration 2. With `strict`, a part that has no
 * exact translation throws {@link Untranslatable}; without, it is left out (the SQL then finds more
 * than matches, and core checks each record).
 */
export class SearchSql {
  readonly params: unknown[] = [];
  readonly doc: string;
  readonly where: string;
  /** The parameter holding the ids of the actors in reach. */
  private readonly ids: string;
  private readonly layout: (typeof LAYOUT)[keyof typeof LAYOUT];

  constructor(
    private readonly schema: string,
    readonly search: IndexedSearch,
    strict: boolean,
  ) {
    this.layout = LAYOUT[search.collection];
    this.ids = this.bind(search.actorIds);
    this.doc = search.collection === 'logs' ? this.logDoc() : 'search';
    const filters: string[] = [];
    for (const part of [...search.conditions, ...search.patterns]) {
      try {
        filters.push('op' in part ? this.condition(part) : this.pattern(part));
      } catch (e) {
        if (strict || !(e instanceof Untranslatable)) throw e;
      }
    }
    if (strict && (search.search !== undefined || search.exactsearch !== undefined)) throw new Untranslatable('full-text search');
    this.where = [...this.base(), ...filters].join(' AND ');
  }

  /** The sort field of the search, as text compared bytewise. */
  get sortKey(): string {
    const field = this.search.sortField;
    if (!NAMED_FIELDS.has(field)) throw new Error(`Search cannot sort on ${field}.`);
    return `(${this.doc} ->> '${field}') COLLATE "C"`;
  }

  /** The SQL order of the search: the sort field, records without it last, then the key (actor by actor, as the execution indexes hold them). */
  get order(): string {
    return `${this.sortKey}, key`;
  }

  /** The record a row of the table is in a search's answer (a log's is built from its key and value). */
  record(key: string, value: unknown): unknown {
    if (this.search.collection !== 'logs') return value;
    const parts = key.split('/');
    return { actorId: parts[this.layout.actor - 1], executionId: parts[LAYOUT.logs.execution - 1], logs: (value as { logs: string }).logs };
  }

  bind(value: unknown): string {
    if (JSON.stringify(value)?.includes('\\u0000')) throw new Untranslatable('a NUL character');
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The collection's records of the actors in reach: the key range of the tenant's (or the one actor's), the actors' ids. */
  private base(): string[] {
    const { tenant, actorIds, executionId, now } = this.search;
    const { root, kind, actor, execution } = this.layout;
    const head = `${root}/${tenant}/${kind === undefined ? '' : `${kind}/`}`;
    // one actor: the keys under its own (for actors, its one key); more: the tenant's
    const prefix = actorIds.length === 1 ? `${head}${actorIds[0]}${this.search.collection === 'actors' ? '' : '/'}` : head;
    const clauses = [
      `starts_with(key, '${root}/')`,
      ...(kind === undefined ? [] : [`${part(3)} = '${kind}'`]),
      `${part(2)} = ${this.bind(tenant)}`,
      `key >= ${this.bind(prefix)}`,
      `key < ${this.bind(prefix.replace(/\/$/, '') + '0')}`, // '0' follows '/'
      `${part(actor)} = ANY(${this.ids}::text[])`,
    ];
    if (execution !== undefined && executionId !== undefined) clauses.push(`${part(execution)} = ${this.bind(executionId)}`);
    const { range } = this.search;
    if (range) clauses.push(this.oneOf(STATUS, range.statuses));
    if (range?.from !== undefined) clauses.push(`(search ->> 'messageReceivedTime') COLLATE "C" >= ${this.bind(range.from)}`);
    if (range?.to !== undefined) clauses.push(`(search ->> 'messageReceivedTime') COLLATE "C" <= ${this.bind(range.to)}`);
    if (this.search.collection === 'logs') clauses.push(`COALESCE((${this.schema}.search_doc(value) ->> 'expiresAt') COLLATE "C" > ${this.bind(now)}, true)`);
    return clauses;
  }

  /** A log record as search sees it: its actor and execution from its key, its text. */
  private logDoc(): string {
    return `jsonb_build_object('actorId', ${part(LAYOUT.logs.actor)}, 'executionId', ${part(LAYOUT.logs.execution)}, 'logs', ${this.schema}.search_doc(value) -> 'logs')`;
  }

  /** The JSON value at a field's path (`x`) and its text (`text`: a string's own, a number's or boolean's JSON). */
  private field(path: string[]): { x: string; text: string } {
    if (path.length === 1 && NAMED_FIELDS.has(path[0]!)) return { x: `(${this.doc} -> '${path[0]}')`, text: `(${this.doc} ->> '${path[0]}')` };
    const at = this.bind(path);
    return { x: `(${this.doc} #> ${at}::text[])`, text: `(${this.doc} #>> ${at}::text[])` };
  }

  private condition(c: Condition): string {
    const { x, text } = this.field(c.path);
    const is = (wanted: unknown[]) => this.equalsOneOf(x, text, wanted);
    switch (c.op) {
      case 'eq':
        return is([c.value]);
      case 'neq':
        return `NOT COALESCE(${is([c.value])}, false)`;
      case 'in':
        return is(c.value as unknown[]);
      case 'nin':
        return `NOT COALESCE(${is(c.value as unknown[])}, false)`;
      case 'gt':
        return this.compare(x, text, '>', c.value);
      case 'gte':
        return this.compare(x, text, '>=', c.value);
      case 'lt':
        return this.compare(x, text, '<', c.value);
      case 'lte':
        return this.compare(x, text, '<=', c.value);
      case 'between': {
        const [low, high] = c.value as [unknown, unknown];
        return `(${this.compare(x, text, '>=', low)} AND ${this.compare(x, text, '<=', high)})`;
      }
    }
  }

  /**
   * Equal to one of the values, as `matches` compares: null is a missing or null field; a number
   * equals a number, or a string that is a time at that millisecond, or (a string that is no time)
   * whose text is the number's; anything else equals a string, number or boolean with its text.
   */
  private equalsOneOf(x: string, text: string, values: unknown[]): string {
    const numbers = values.filter((v): v is number => typeof v === 'number');
    const others = values.filter((v) => typeof v !== 'number' && v !== null).map(String);
    const tests: string[] = [];
    if (values.includes(null)) tests.push(`(${x} IS NULL OR jsonb_typeof(${x}) = 'null')`);
    if (others.length > 0) tests.push(`(jsonb_typeof(${x}) IN ('string', 'number', 'boolean') AND ${this.oneOf(text, others)})`);
    if (numbers.length > 0) {
      const [n, t] = [this.bind(numbers), this.bind(numbers.map(String))];
      const time = `${this.schema}.search_time(${text})`;
      tests.push(
        `(CASE jsonb_typeof(${x}) WHEN 'number' THEN ${text}::float8 = ANY(${n}::float8[]) ` +
          `WHEN 'string' THEN (CASE WHEN ${time} IS NULL THEN ${text} = ANY(${t}::text[]) ELSE ${time} = ANY(${n}::float8[]) END) ELSE false END)`,
      );
    }
    return tests.length === 0 ? 'false' : `(${tests.join(' OR ')})`;
  }

  /** `text` is one of `values`: `=` for one (an index then gives its matches in its order), `= ANY` for more. */
  private oneOf(text: string, values: readonly string[]): string {
    return values.length === 1 ? `${text} = ${this.bind(values[0])}` : `${text} = ANY(${this.bind(values)}::text[])`;
  }

  /**
   * An order comparison, as `matches` makes it: with a number, a number's value, a boolean's (1 or
   * 0), a string's time or number, or what JavaScript's Number() reads in the value's text; with a
   * string, strings in code-unit order; with anything else, no match.
   */
  private compare(x: string, text: string, op: string, wanted: unknown): string {
    if (typeof wanted === 'string') return `(jsonb_typeof(${x}) = 'string' AND ${text} COLLATE "C" ${op} ${this.bind(wanted)})`;
    if (typeof wanted !== 'number') return 'false';
    const w = `${this.bind(wanted)}::float8`;
    const s = this.schema;
    return (
      `(CASE jsonb_typeof(${x}) WHEN 'number' THEN ${text}::float8 ${op} ${w} WHEN 'boolean' THEN (CASE WHEN ${text} = 'true' THEN 1 ELSE 0 END) ${op} ${w} ` +
      `WHEN 'string' THEN COALESCE(${s}.search_time(${text}), ${s}.search_number(${text})) ${op} ${w} ` +
      `WHEN 'null' THEN false ELSE ${s}.search_number(${s}.search_text(${x})) ${op} ${w} END)`
    );
  }

  /** A like (or nlike) whose pattern is plain text with anchors, as LIKE: no regular expression runs in the database. */
  private pattern(p: PatternCondition): string {
    const like = likeOf(p.pattern);
    if (like === undefined) throw new Untranslatable(`the pattern of ${p.parameter}`);
    const found = `${this.schema}.search_text(${this.field(p.path).x}) LIKE ${this.bind(like)}`;
    return p.negated ? `NOT COALESCE(${found}, false)` : `COALESCE(${found}, false)`;
  }
}
