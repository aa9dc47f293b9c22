import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class MessagesPurge extends AbacoCommand {
  static override summary = 'Remove every waiting message from an actor\'s inbox (their executions end as ERROR).';
  static override examples = ['<%= config.bin %> messages purge word_counter'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(MessagesPurge);
    await (await this.client()).messages.purge(args.actor);
    await this.showAnswer(() => this.answer.message);
  }
}
