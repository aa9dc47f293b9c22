import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class StateGet extends AbacoCommand {
  static override summary = 'Print the state of a stateful actor (JSON).';
  static override examples = ['<%= config.bin %> state get counter'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(StateGet);
    const { result } = await (await this.api()).call('GET', `/${encodeURIComponent(args.actor)}/state`);
    await this.show(result, () => JSON.stringify(result.state, null, 2));
  }
}
