import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { nonceTarget, nonceTargetArgs, nonceTargetFlags } from '../../client/nonce-target.js';
import { noncesTable } from '../../client/render.js';

export default class NoncesShow extends AbacoCommand {
  static override summary = 'Show a nonce and its remaining uses.';
  static override examples = ['<%= config.bin %> nonces show word_counter TACC_qBMrvO6Zy0yQz'];
  static override args = { ...nonceTargetArgs, nonce: Args.string({ description: 'nonce id', required: true }) };
  static override flags = nonceTargetFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NoncesShow);
    const nonce = await (await this.client()).nonces.get(nonceTarget(args.actor, flags.alias), args.nonce);
    await this.showAnswer(() => noncesTable([nonce]));
  }
}
