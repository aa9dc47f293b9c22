import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class WorkersStop extends AbacoCommand {
  static override summary = 'Stop a worker once its current execution is done.';
  static override examples = ['<%= config.bin %> workers stop word_counter e7B3JXDNxM6M0'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), worker: Args.string({ description: 'worker id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(WorkersStop);
    await (await this.client()).workers.stop(args.actor, args.worker);
    const { message } = this.answer;
    await this.show({ message }, () => message);
  }
}
