import { AbacoCommand } from '../../base.js';
import { configArgs, configBody, configFlags } from '../../client/config-flags.js';

export default class ConfigsUpdate extends AbacoCommand {
  static override summary = 'Replace the value, the actors and the secrecy of an actor config.';
  static override examples = ['<%= config.bin %> configs update db_password --value s3cret --actors word_counter --secret'];
  static override args = configArgs;
  static override flags = configFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigsUpdate);
    const { name, ...input } = configBody(args.name, flags);
    await (await this.client()).configs.update(name, input);
    await this.showAnswer(() => this.answer.message);
  }
}
