import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { fields } from '../../client/output.js';

export default class ActorsShow extends AbacoCommand {
  static override summary = 'Show an actor.';
  static override examples = ['<%= config.bin %> actors show JWpkNmBwKewYo', '<%= config.bin %> actors show word_counter --json'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ActorsShow);
    await (await this.client()).actors.get(args.actor);
    const { _links, ...shown } = this.answer.result;
    await this.showAnswer(() => fields(shown));
  }
}
