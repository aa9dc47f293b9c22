import { Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { actorsTable } from '../../client/render.js';

export default class ActorsList extends AbacoCommand {
  static override summary = 'List the actors you can see.';
  static override examples = ['<%= config.bin %> actors list', '<%= config.bin %> actors list -q', '<%= config.bin %> actors list --json'];
  static override flags = { quiet: Flags.boolean({ char: 'q', description: 'print ids only' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(ActorsList);
    const actors = await (await this.client()).actors.list();
    await this.showAnswer(() => (flags.quiet ? actors.map((a) => a.id).join('\n') : actorsTable(actors)));
  }
}
