import type { NonceTarget } from '@abaco/client';
import { Args, Flags } from '@oclif/core';

export const nonceTargetArgs = { actor: Args.string({ description: 'actor id or alias (or, with --alias, the alias)', required: true }) };
export const nonceTargetFlags = { alias: Flags.boolean({ description: 'the nonce belongs to the alias itself, not to its actor' }) };

/** Whose nonces: an actor's or an alias's. */
export const nonceTarget = (target: string, alias: boolean | undefined): NonceTarget => (alias ? { alias: target } : { actor: target });
