import { AbacoCommand } from '../../base.js';
import { aliasesTable } from '../../client/render.js';

export default class AliasesList extends AbacoCommand {
  static override summary = 'List the aliases you can see.';
  static override examples = ['<%= config.bin %> aliases list'];

  async run(): Promise<void> {
    const aliases = await (await this.client()).aliases.list();
    await this.showAnswer(() => aliasesTable(aliases));
  }
}
