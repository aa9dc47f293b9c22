import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class StateSet extends AbacoCommand {
  static override summary = 'Replace the state of a stateful actor with a JSON value.';
  static override examples = ['<%= config.bin %> state set counter \'{"count": 0}\'', '<%= config.bin %> state set counter 42'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), state: Args.string({ description: 'the new state, as JSON', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(StateSet);
    let state: unknown;
    try {
      state = JSON.parse(args.state);
    } catch {
      this.error(`The state must be JSON, e.g. '{"count": 0}'; got ${args.state}`, { exit: 2 });
    }
    await (await this.client()).actors.setState(args.actor, state);
    await this.showAnswer(() => this.answer.message);
  }
}
