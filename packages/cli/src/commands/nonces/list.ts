import { AbacoCommand } from '../../base.js';
import { nonceTarget, nonceTargetArgs, nonceTargetFlags } from '../../client/nonce-target.js';
import { noncesTable } from '../../client/render.js';

export default class NoncesList extends AbacoCommand {
  static override summary = 'List the nonces of an actor (or of an alias, with --alias).';
  static override examples = ['<%= config.bin %> nonces list word_counter', '<%= config.bin %> nonces list counter --alias'];
  static override args = nonceTargetArgs;
  static override flags = nonceTargetFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NoncesList);
    const nonces = await (await this.client()).nonces.list(nonceTarget(args.actor, flags.alias));
    await this.showAnswer(() => noncesTable(nonces));
  }
}
