import type { PermissionTarget } from '@abaco/client';
import { Args, Flags } from '@oclif/core';

export const permissionTargetArgs = { target: Args.string({ description: 'actor id or alias (or an alias or config name, with --alias or --config)', required: true }) };
export const permissionTargetFlags = {
  alias: Flags.boolean({ description: 'the permissions of the alias itself', exclusive: ['config'] }),
  config: Flags.boolean({ description: 'the permissions of an actor config' }),
};

/** Whose permissions: an actor's, an alias's or a config's. */
export const permissionTarget = (target: string, flags: { alias?: boolean; config?: boolean }): PermissionTarget =>
  flags.alias ? { alias: target } : flags.config ? { config: target } : { actor: target };
