import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { executionsTable } from '../../client/render.js';

export default class ExecutionsList extends AbacoCommand {
  static override summary = 'List the executions of an actor, with their totals.';
  static override examples = ['<%= config.bin %> executions list word_counter', '<%= config.bin %> executions list JWpkNmBwKewYo -q'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };
  static override flags = { quiet: Flags.boolean({ char: 'q', description: 'print ids only' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExecutionsList);
    const list = await (await this.client()).executions.list(args.actor);
    const { executions } = list;
    await this.showAnswer(() =>
      flags.quiet
        ? executions.map((e) => e.id).join('\n')
        : `${executionsTable(executions)}\n\n${list.totalExecutions} executions, runtime ${list.totalRuntime} s, cpu ${list.totalCpu} ns, io ${list.totalIo} bytes`,
    );
  }
}
