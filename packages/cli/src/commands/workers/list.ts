import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { workersTable } from '../../client/render.js';

export default class WorkersList extends AbacoCommand {
  static override summary = 'List the workers of an actor.';
  static override examples = ['<%= config.bin %> workers list word_counter'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(WorkersList);
    const { result } = await (await this.api()).call('GET', `/${encodeURIComponent(args.actor)}/workers`);
    await this.show(result, () => workersTable(result));
  }
}
