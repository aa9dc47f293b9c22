import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class WorkersCreate extends AbacoCommand {
  static override summary = 'Make sure an actor has at least NUM workers (admins only).';
  static override examples = ['<%= config.bin %> workers create word_counter 3'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), num: Args.integer({ description: 'number of workers', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(WorkersCreate);
    const message = await (await this.client()).workers.ensure(args.actor, args.num);
    await this.show({ message }, () => message);
  }
}
