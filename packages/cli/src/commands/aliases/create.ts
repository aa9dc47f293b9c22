import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class AliasesCreate extends AbacoCommand {
  static override summary = 'Give an actor an alias, usable wherever its id is.';
  static override examples = ['<%= config.bin %> aliases create counter JWpkNmBwKewYo'];
  static override args = { alias: Args.string({ description: 'the alias (dots allowed)', required: true }), actor: Args.string({ description: 'actor id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesCreate);
    await (await this.client()).aliases.create({ alias: args.alias, actorId: args.actor });
    await this.showAnswer(() => `Alias ${args.alias} now names actor ${args.actor}.`);
  }
}
