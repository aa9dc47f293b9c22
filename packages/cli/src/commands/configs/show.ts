import { AbacoCommand } from '../../base.js';
import { configArgs } from '../../client/config-flags.js';
import { fields } from '../../client/output.js';

export default class ConfigsShow extends AbacoCommand {
  static override summary = 'Show an actor config (a secret value is shown encrypted).';
  static override examples = ['<%= config.bin %> configs show db_password'];
  static override args = configArgs;

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigsShow);
    const { result } = await (await this.api()).call('GET', `/configs/${encodeURIComponent(args.name)}`);
    await this.show(result, () => fields(result));
  }
}
