import { AbacoCommand } from '../../base.js';
import { configArgs } from '../../client/config-flags.js';

export default class ConfigsDelete extends AbacoCommand {
  static override summary = 'Delete an actor config.';
  static override examples = ['<%= config.bin %> configs delete db_password'];
  static override args = configArgs;

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigsDelete);
    await (await this.client()).configs.delete(args.name);
    await this.show({ deleted: args.name }, () => this.answer.message);
  }
}
