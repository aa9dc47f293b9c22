import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { fields } from '../../client/output.js';

export default class WorkersShow extends AbacoCommand {
  static override summary = 'Show a worker.';
  static override examples = ['<%= config.bin %> workers show word_counter e7B3JXDNxM6M0'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), worker: Args.string({ description: 'worker id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(WorkersShow);
    await (await this.client()).workers.get(args.actor, args.worker);
    await this.showAnswer(() => fields(this.answer.result));
  }
}
