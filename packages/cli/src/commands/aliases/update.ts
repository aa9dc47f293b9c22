import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class AliasesUpdate extends AbacoCommand {
  static override summary = 'Point an alias at another actor.';
  static override examples = ['<%= config.bin %> aliases update counter O08Nzb3mRA7Bz'];
  static override args = { alias: Args.string({ description: 'the alias', required: true }), actor: Args.string({ description: 'the new actor id', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(AliasesUpdate);
    const { result } = await (await this.api()).call('PUT', `/aliases/${encodeURIComponent(args.alias)}`, { body: { json: { actorId: args.actor } } });
    await this.show(result, () => `Alias ${args.alias} now names actor ${args.actor}.`);
  }
}
