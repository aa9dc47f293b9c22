import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class AliasesDelete extends AbacoCommand {
  static override summary = 'Delete an alias (its actor stays).';
  static override examples = ['<%= config.bin %> aliases delete counter'];
  static override args = { alias: Args.string({ description: 'the alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesDelete);
    const { message } = await (await this.api()).call('DELETE', `/aliases/${encodeURIComponent(args.alias)}`);
    await this.show({ deleted: args.alias }, () => message);
  }
}
