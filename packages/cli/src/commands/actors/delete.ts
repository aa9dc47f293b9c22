import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class ActorsDelete extends AbacoCommand {
  static override summary = 'Delete an actor with its executions, logs, nonces and aliases.';
  static override examples = ['<%= config.bin %> actors delete JWpkNmBwKewYo'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ActorsDelete);
    await (await this.client()).actors.delete(args.actor);
    await this.show({ deleted: args.actor }, () => this.answer.message);
  }
}
