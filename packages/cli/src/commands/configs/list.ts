import { AbacoCommand } from '../../base.js';
import { configsTable } from '../../client/render.js';

export default class ConfigsList extends AbacoCommand {
  static override summary = 'List the actor configs you can see.';
  static override examples = ['<%= config.bin %> configs list'];

  async run(): Promise<void> {
    const configs = await (await this.client()).configs.list();
    await this.showAnswer(() => configsTable(configs));
  }
}
