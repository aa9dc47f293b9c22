import { AbacoCommand } from '../../base.js';
import { configArgs } from '../../client/config-flags.js';
import { fields } from '../../client/output.js';

export default class ConfigsShow extends AbacoCommand {
  static override summary = 'Show an actor config (a secret value is shown encrypted).';
  static override examples = ['<%= config.bin %> configs show db_password'];
  static override args = configArgs;

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigsShow);
    await (await this.client()).configs.get(args.name);
    await this.showAnswer(() => fields(this.answer.result));
  }
}
