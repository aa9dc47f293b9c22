import { AbacoCommand } from '../../base.js';
import { configsTable } from '../../client/render.js';

export default class ConfigsList extends AbacoCommand {
  static override summary = 'List the actor configs you can see.';
  static override examples = ['<%= config.bin %> configs list'];

  async run(): Promise<void> {
    const { result } = await (await this.api()).call('GET', '/configs');
    await this.show(result, () => configsTable(result));
  }
}
