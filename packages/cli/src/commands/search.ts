import type { Collection, Query, SearchRecords } from '@abaco/client';
import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../base.js';
import { actorsTable, executionsTable, workersTable } from '../client/render.js';

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
    const query: Query = {};
    for (const condition of flags.where ?? []) {
      const cut = condition.indexOf('=');
      if (cut < 1) this.error(`--where must be FIELD.OP=VALUE, got "${condition}"`, { exit: 2 });
      query[condition.slice(0, cut)] = condition.slice(cut + 1);
    }
    if (flags.text) query.search = flags.text;
    if (flags.exact) query.exactsearch = flags.exact;
    query.limit = flags.limit;
    query.skip = flags.skip;
    const { search: found, metadata: meta } = await (await this.client()).search.page(args.collection as Collection, query);
    const tables: { [C in Collection]: (rows: SearchRecords[C][]) => string } = {
      actors: actorsTable,
      workers: workersTable,
      executions: executionsTable,
      logs: (rows) => rows.map((r) => `${r.executionId}: ${r.logs.slice(0, 200)}`).join('\n'),
    };
    const render = tables[args.collection as Collection] as (rows: unknown[]) => string;
    await this.showAnswer(() => `${render(found)}\n\n${meta.countReturned} of ${meta.totalCount} (skipped ${meta.recordsSkipped})`);
  }
}
