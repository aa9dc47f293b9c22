import { Args, Flags } from '@oclif/core';

export const nonceTargetArgs = { actor: Args.string({ description: 'actor id or alias (or, with --alias, the alias)', required: true }) };
export const nonceTargetFlags = { alias: Flags.boolean({ description: 'the nonce belongs to the alias itself, not to its actor' }) };

/** The API path of the nonces of an actor or of an alias. */
export const noncesPath = (target: string, alias: boolean) => `${alias ? '/aliases' : ''}/${encodeURIComponent(target)}/nonces`;
