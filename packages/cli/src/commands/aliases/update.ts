import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class AliasesUpdate extends AbacoCommand {
  static override summary = 'Point an alias at another actor.';
  static override examples = ['<%= config.bin %> aliases update counter O08Nzb3mRA7Bz'];
  static override args = { alias: Args.string({ description: 'the alias', required: true }), actor: Args.string({ description: 'the new actor id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesUpdate);
    await (await this.client()).aliases.update(args.alias, args.actor);
    await this.showAnswer(() => `Alias ${args.alias} now names actor ${args.actor}.`);
  }
}
