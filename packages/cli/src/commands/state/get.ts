import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class StateGet extends AbacoCommand {
  static override summary = 'Print the state of a stateful actor (JSON).';
  static override examples = ['<%= config.bin %> state get counter'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(StateGet);
    const state = await (await this.client()).actors.state(args.actor);
    await this.showAnswer(() => JSON.stringify(state, null, 2));
  }
}
