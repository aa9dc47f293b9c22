import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { nonceTarget, nonceTargetArgs, nonceTargetFlags } from '../../client/nonce-target.js';

export default class NoncesDelete extends AbacoCommand {
  static override summary = 'Delete a nonce: it stops working at once.';
  static override examples = ['<%= config.bin %> nonces delete word_counter TACC_qBMrvO6Zy0yQz'];
  static override args = { ...nonceTargetArgs, nonce: Args.string({ description: 'nonce id', required: true }) };
  static override flags = nonceTargetFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NoncesDelete);
    await (await this.client()).nonces.delete(nonceTarget(args.actor, flags.alias), args.nonce);
    await this.show({ deleted: args.nonce }, () => this.answer.message);
  }
}
