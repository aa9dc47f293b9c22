import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../base.js';
import { actorsTable, executionsTable, get, workersTable } from '../client/render.js';

export default class Search extends AbacoCommand {
  static override summary = 'Search actors, workers, executions or logs you can see.';
  static override description = 'Each --where is FIELD.OP=VALUE (ops: eq neq gt gte lt lte in nin like nlike between; eq when left out).';
  static override examples = [
    '<%= config.bin %> search executions --where status=ERROR --where start_time.gt=2026-01-01',
    '<%= config.bin %> search actors --where image.like=abacosamples --limit 20',
    '<%= config.bin %> search logs --text "Number of words"',
  ];
  static override args = { collection: Args.string({ description: 'what to search', options: ['actors', 'workers', 'executions', 'logs'], required: true }) };
  static override flags = {
    where: Flags.string({ char: 'w', description: 'condition FIELD.OP=VALUE (repeatable)', multiple: true }),
    text: Flags.string({ description: 'full-text search, best matches first' }),
    exact: Flags.string({ description: 'exact phrase' }),
    limit: Flags.integer({ description: 'most results (default 10)' }),
    skip: Flags.integer({ description: 'results to skip' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Search);
    const query: Record<string, string> = {};
    for (const condition of flags.where ?? []) {
      const cut = condition.indexOf('=');
      if (cut < 1) this.error(`--where must be FIELD.OP=VALUE, got "${condition}"`, { exit: 2 });
      query[condition.slice(0, cut)] = condition.slice(cut + 1);
    }
    if (flags.text) query.search = flags.text;
    if (flags.exact) query.exactsearch = flags.exact;
    if (flags.limit !== undefined) query.limit = String(flags.limit);
    if (flags.skip !== undefined) query.skip = String(flags.skip);
    const { result } = await (await this.api()).call('GET', `/search/${args.collection}`, { query });
    const found = result.search as Record<string, unknown>[];
    const meta = result._metadata;
    const tables: Record<string, (rows: any[]) => string> = {
      actors: actorsTable,
      workers: workersTable,
      executions: executionsTable,
      logs: (rows) => rows.map((r) => `${r.id ?? get(r, 'executionId')}: ${String(r.logs ?? '').slice(0, 200)}`).join('\n'),
    };
    await this.show(result, () => `${tables[args.collection]!(found)}\n\n${get(meta, 'countReturned')} of ${get(meta, 'totalCount')} (skipped ${get(meta, 'recordsSkipped')})`);
  }
}
