import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class ExecutionsHalt extends AbacoCommand {
  static override summary = 'Stop a running execution at once (its container is killed).';
  static override examples = ['<%= config.bin %> executions halt word_counter kA1P1m8NkkolK'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), execution: Args.string({ description: 'execution id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ExecutionsHalt);
    await (await this.client()).executions.halt(args.actor, args.execution);
    await this.show({ halted: args.execution }, () => this.answer.message);
  }
}
