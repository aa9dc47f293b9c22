import { finalWrites, type BatchOp } from '@abaco/core';

/**
 * The writes of a batch, ready for SQL: one per key, with the effect of the batch applied in order
 * (`finalWrites`), so the puts, deletes and adds never touch the same record. Encoding fails
 * (before anything is written) when a value is not JSON.
 */
export class RecordWrites {
  readonly putKeys: string[] = [];
  readonly putValues: string[] = [];
  readonly delKeys: string[] = [];
  readonly addKeys: string[] = [];
  readonly addValues: string[] = [];

  constructor(ops: BatchOp[]) {
    for (const op of finalWrites(ops)) {
      if (op.type === 'del') {
        this.delKeys.push(op.key);
        continue;
      }
      const text = JSON.stringify(op.value) as string | undefined;
      if (text === undefined) throw new TypeError(`The value of ${op.key} is not JSON.`);
      (op.type === 'put' ? this.putKeys : this.addKeys).push(op.key);
      (op.type === 'put' ? this.putValues : this.addValues).push(text);
    }
  }

  /** Every key written. */
  get keys(): string[] {
    return [...this.putKeys, ...this.delKeys, ...this.addKeys];
  }

  get empty(): boolean {
    return this.keys.length === 0;
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
    if (this.addKeys.length > 0) {
      // An add inserts its numbers, or (the row locked by ON CONFLICT, so concurrent adds queue) sums them field by field into the record.
      params.push(this.addKeys, this.addValues);
      const [keys, values] = [params.length - 1, params.length];
      out.push(
        `add AS (INSERT INTO ${table} AS r (key, value) SELECT k, v::json FROM unnest($${keys}::text[], $${values}::text[]) AS u(k, v) ` +
          `WHERE ${guard} ON CONFLICT (key) DO UPDATE SET value = (SELECT COALESCE(json_object_agg(f, COALESCE((r.value->>f)::numeric, 0) + COALESCE((EXCLUDED.value->>f)::numeric, 0)), '{}') ` +
          `FROM (SELECT json_object_keys(r.value) UNION SELECT json_object_keys(EXCLUDED.value)) AS fields(f)))`,
      );
    }
    if (this.delKeys.length > 0) {
      params.push(this.delKeys);
      out.push(`del AS (DELETE FROM ${table} WHERE key = ANY($${params.length}::text[]) AND ${guard})`);
    }
    return out;
  }
}
