import { AbacoCommand } from '../../base.js';
import { aliasesTable } from '../../client/render.js';

export default class AliasesList extends AbacoCommand {
  static override summary = 'List the aliases you can see.';
  static override examples = ['<%= config.bin %> aliases list'];

  async run(): Promise<void> {
    const { result } = await (await this.api()).call('GET', '/aliases');
    await this.show(result, () => aliasesTable(result));
  }
}
