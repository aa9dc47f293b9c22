import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class AliasesDelete extends AbacoCommand {
  static override summary = 'Delete an alias (its actor stays).';
  static override examples = ['<%= config.bin %> aliases delete counter'];
  static override args = { alias: Args.string({ description: 'the alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesDelete);
    await (await this.client()).aliases.delete(args.alias);
    await this.show({ deleted: args.alias }, () => this.answer.message);
  }
}
