import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { fields } from '../../client/output.js';

export default class ExecutionsShow extends AbacoCommand {
  static override summary = 'Show an execution: status, times, exit code, final state, CPU and IO.';
  static override examples = ['<%= config.bin %> executions show word_counter kA1P1m8NkkolK'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), execution: Args.string({ description: 'execution id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ExecutionsShow);
    await (await this.client()).executions.get(args.actor, args.execution);
    const { _links, ...shown } = this.answer.result;
    await this.showAnswer(() => fields(shown));
  }
}
