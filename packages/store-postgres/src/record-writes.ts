import type { BatchOp } from '@abaco/core';

/**
 * The writes of a batch, ready for SQL: the last write of each key wins, as when the batch is
 * applied in order, so the puts and the deletes never touch the same record. Encoding fails
 * (before anything is written) when a value is not JSON.
 */
export class RecordWrites {
  readonly putKeys: string[] = [];
  readonly putValues: string[] = [];
  readonly delKeys: string[] = [];

  constructor(ops: BatchOp[]) {
    const last = new Map<string, BatchOp>();
    for (const op of ops) {
      last.delete(op.key);
      last.set(op.key, op);
    }
    for (const [key, op] of last) {
      if (op.type === 'del') {
        this.delKeys.push(key);
        continue;
      }
      const text = JSON.stringify(op.value) as string | undefined;
      if (text === undefined) throw new TypeError(`The value of ${key} is not JSON.`);
      this.putKeys.push(key);
      this.putValues.push(text);
    }
  }

  /** Every key written. */
  get keys(): string[] {
    return [...this.putKeys, ...this.delKeys];
  }

  get empty(): boolean {
    return this.putKeys.length === 0 && this.delKeys.length === 0;
  }

  /**
   * Common table expressions that make these writes in `table`, for one statement with others
   * (one statement is atomic). Their parameters are appended to `params`. With `when`, the name of
   * another expression of the statement, the writes happen only if that one yields a row.
   */
  ctes(table: string, params: unknown[], when?: string): string[] {
    const guard = when ? `EXISTS (SELECT 1 FROM ${when})` : 'true';
    const out: string[] = [];
    if (this.putKeys.length > 0) {
      params.push(this.putKeys, this.putValues);
      const [keys, values] = [params.length - 1, params.length];
      out.push(
        `put AS (INSERT INTO ${table} (key, value) SELECT k, v::json FROM unnest($${keys}::text[], $${values}::text[]) AS u(k, v) ` +
          `WHERE ${guard} ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value)`,
      );
    }
    if (this.delKeys.length > 0) {
      params.push(this.delKeys);
      out.push(`del AS (DELETE FROM ${table} WHERE key = ANY($${params.length}::text[]) AND ${guard})`);
    }
    return out;
  }
}
