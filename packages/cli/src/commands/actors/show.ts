import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { fields } from '../../client/output.js';

export default class ActorsShow extends AbacoCommand {
  static override summary = 'Show an actor.';
  static override examples = ['<%= config.bin %> actors show JWpkNmBwKewYo', '<%= config.bin %> actors show word_counter --json'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ActorsShow);
    const { result } = await (await this.api()).call('GET', `/${encodeURIComponent(args.actor)}`);
    const { _links, ...shown } = result;
    await this.show(result, () => fields(shown));
  }
}
