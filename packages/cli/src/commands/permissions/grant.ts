import type { Level } from '@abaco/client';
import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { permissionTarget, permissionTargetArgs, permissionTargetFlags } from '../../client/permission-target.js';
import { permissionsTable } from '../../client/render.js';

export default class PermissionsGrant extends AbacoCommand {
  static override summary = 'Share: give a user (ABACO_WORLD for everyone) a level; NONE takes it away.';
  static override examples = [
    '<%= config.bin %> permissions grant word_counter jdoe READ',
    '<%= config.bin %> permissions grant word_counter ABACO_WORLD EXECUTE',
    '<%= config.bin %> permissions grant word_counter jdoe NONE',
  ];
  static override args = {
    ...permissionTargetArgs,
    user: Args.string({ description: 'user name, or ABACO_WORLD', required: true }),
    level: Args.string({ description: 'NONE, READ, EXECUTE or UPDATE', required: true }),
  };
  static override flags = permissionTargetFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PermissionsGrant);
    const permissions = await (await this.client()).permissions.grant(permissionTarget(args.target, flags), args.user, args.level as Level);
    await this.showAnswer(() => permissionsTable(permissions));
  }
}
