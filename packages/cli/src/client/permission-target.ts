import { Args, Flags } from '@oclif/core';

export const permissionTargetArgs = { target: Args.string({ description: 'actor id or alias (or an alias or config name, with --alias or --config)', required: true }) };
export const permissionTargetFlags = {
  alias: Flags.boolean({ description: 'the permissions of the alias itself', exclusive: ['config'] }),
  config: Flags.boolean({ description: 'the permissions of an actor config' }),
};

export const permissionsPath = (target: string, flags: { alias?: boolean; config?: boolean }) =>
  `${flags.alias ? '/aliases' : flags.config ? '/configs' : ''}/${encodeURIComponent(target)}/permissions`;
