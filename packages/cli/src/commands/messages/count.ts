import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class MessagesCount extends AbacoCommand {
  static override summary = 'How many messages wait in an actor\'s inbox.';
  static override examples = ['<%= config.bin %> messages count word_counter'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(MessagesCount);
    const count = await (await this.client()).messages.count(args.actor);
    await this.showAnswer(() => String(count));
  }
}
