import { AbacoCommand } from '../../base.js';
import { configArgs, configBody, configFlags } from '../../client/config-flags.js';

export default class ConfigsCreate extends AbacoCommand {
  static override summary = 'Make an actor config: a value given to the listed actors as _actor_configs.';
  static override examples = ['<%= config.bin %> configs create db_password --value hunter2 --actors word_counter,JWpkNmBwKewYo --secret'];
  static override args = configArgs;
  static override flags = configFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigsCreate);
    const { result, message } = await (await this.api()).call('POST', '/configs', { body: { json: configBody(args.name, flags) } });
    await this.show(result, () => message);
  }
}
