import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { executionsTable, get } from '../../client/render.js';

export default class ExecutionsList extends AbacoCommand {
  static override summary = 'List the executions of an actor, with their totals.';
  static override examples = ['<%= config.bin %> executions list word_counter', '<%= config.bin %> executions list JWpkNmBwKewYo -q'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };
  static override flags = { quiet: Flags.boolean({ char: 'q', description: 'print ids only' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExecutionsList);
    const { result } = await (await this.api()).call('GET', `/${encodeURIComponent(args.actor)}/executions`);
    const executions = result.executions as { id: string }[];
    await this.show(result, () =>
      flags.quiet
        ? executions.map((e) => e.id).join('\n')
        : `${executionsTable(executions)}\n\n${get(result, 'totalExecutions')} executions, runtime ${get(result, 'totalRuntime')} s, cpu ${get(result, 'totalCpu')} ns, io ${get(result, 'totalIo')} bytes`,
    );
  }
}
