import { BadRequestError } from '../errors.js';
import { valueAt } from './match.js';
import type { PatternCondition } from './query.js';
import { RegexTimeoutError, type RegexWorker } from './regex-worker.js';

/** How long the regular expression worker may spend on one batch before the search is refused. */
export const PATTERN_TIME_LIMIT_MS = 5_000;
/** A batch goes to the worker when it holds this many records... */
const BATCH_RECORDS = 1024;
/** ...or this many characters of text. */
const BATCH_CHARS = 1 << 20;

/**
 * Keeps the records that satisfy every `like` and `nlike` of a search: the texts go to a
 * {@link RegexWorker} in batches, one batch matched while the next is filled, and `pass` receives
 * each item whose record matched, in the order given. Without patterns every item passes at once.
 */
export class PatternFilter<T> {
  private batch: { item: T; texts: (string | null)[] }[] = [];
  private chars = 0;
  /** The batch the worker is matching. */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly worker: RegexWorker,
    private readonly patterns: PatternCondition[],
    private readonly pass: (item: T) => void,
  ) {}

  /** Refuses (400, naming the parameter) a pattern that RE2 cannot compile, before any record is read. */
  async check(): Promise<void> {
    if (this.patterns.length > 0) await this.ask([]);
  }

  /** Takes one candidate; the texts it is matched on are the record's values at the patterns' fields. */
  async add(record: unknown, item: T): Promise<void> {
    if (this.patterns.length === 0) return this.pass(item);
    const texts = this.patterns.map((p) => {
      const value = valueAt(record, p.path);
      return value === undefined || value === null ? null : String(value);
    });
    this.batch.push({ item, texts });
    this.chars += texts.reduce((n, t) => n + (t?.length ?? 0), 0);
    if (this.batch.length >= BATCH_RECORDS || this.chars >= BATCH_CHARS) await this.send();
  }

  /** Matches what is still waiting, and waits for every answer. */
  async flush(): Promise<void> {
    await this.send();
    await this.pending;
  }

  /** Sends the batch once the previous one is answered; its answer is awaited by the next send or flush. */
  private async send(): Promise<void> {
    await this.pending;
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    this.chars = 0;
    this.pending = this.ask(batch.map((b) => b.texts)).then((found) =>
      batch.forEach((b, row) => {
        if (this.patterns.every((p, i) => found[row]![i] !== p.negated)) this.pass(b.item);
      }),
    );
    // a search that fails while this batch is out still awaits nothing: keep its failure handled
    this.pending.catch(() => undefined);
  }

  private async ask(rows: (string | null)[][]): Promise<boolean[][]> {
    let answer;
    try {
      answer = await this.worker.match(this.patterns.map((p) => p.pattern), rows);
    } catch (e) {
      if (!(e instanceof RegexTimeoutError)) throw e;
      const names = this.patterns.map((p) => `'${p.parameter}'`).join(', ');
      throw new BadRequestError(`Invalid search parameter ${names}: matching took more than ${e.limitMs / 1000} s; use a simpler pattern or narrow the search.`);
    }
    if ('invalid' in answer) {
      const p = this.patterns[answer.invalid.index]!;
      throw new BadRequestError(`Invalid search parameter '${p.parameter}': '${p.pattern}' is not a valid regular expression in RE2 syntax (no backreferences or lookaround): ${answer.invalid.message}.`);
    }
    return answer.found;
  }
}
