import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { aliasesTable } from '../../client/render.js';

export default class AliasesShow extends AbacoCommand {
  static override summary = 'Show which actor an alias names.';
  static override examples = ['<%= config.bin %> aliases show counter'];
  static override args = { alias: Args.string({ description: 'the alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesShow);
    const alias = await (await this.client()).aliases.get(args.alias);
    await this.showAnswer(() => aliasesTable([alias]));
  }
}
