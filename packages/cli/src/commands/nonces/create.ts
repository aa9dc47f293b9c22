import type { Level } from '@abaco/client';
import { Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { nonceTarget, nonceTargetArgs, nonceTargetFlags } from '../../client/nonce-target.js';

export default class NoncesCreate extends AbacoCommand {
  static override summary = 'Make a nonce: a token for one actor (or alias) at one level, for some or unlimited uses.';
  static override examples = ['<%= config.bin %> nonces create word_counter --level EXECUTE --max-uses 5 -q', '<%= config.bin %> nonces create counter --alias --level READ'];
  static override args = nonceTargetArgs;
  static override flags = {
    ...nonceTargetFlags,
    level: Flags.string({ description: 'what it allows', options: ['READ', 'EXECUTE', 'UPDATE'], default: 'EXECUTE' }),
    'max-uses': Flags.integer({ description: 'how many requests it may make; -1 for unlimited', default: -1 }),
    description: Flags.string({ description: 'what it is for' }),
    quiet: Flags.boolean({ char: 'q', description: 'print the nonce id only' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NoncesCreate);
    const input = { level: flags.level as Level, maxUses: flags['max-uses'], ...(flags.description ? { description: flags.description } : {}) };
    const nonce = await (await this.client()).nonces.create(nonceTarget(args.actor, flags.alias), input);
    await this.showAnswer(() => (flags.quiet ? nonce.id : `Nonce ${nonce.id} (${nonce.level}); use it with ?x-nonce=${nonce.id}`));
  }
}
