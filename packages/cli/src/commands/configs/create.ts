import { AbacoCommand } from '../../base.js';
import { configArgs, configBody, configFlags } from '../../client/config-flags.js';

export default class ConfigsCreate extends AbacoCommand {
  static override summary = 'Make an actor config: a value given to the listed actors as _actor_configs.';
  static override examples = ['<%= config.bin %> configs create db_password --value hunter2 --actors word_counter,JWpkNmBwKewYo --secret'];
  static override args = configArgs;
  static override flags = configFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigsCreate);
    await (await this.client()).configs.create(configBody(args.name, flags));
    await this.showAnswer(() => this.answer.message);
  }
}
