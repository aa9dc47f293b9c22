import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { permissionTargetArgs, permissionTargetFlags, permissionsPath } from '../../client/permission-target.js';
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
    const { result } = await (await this.api()).call('POST', permissionsPath(args.target, flags), { body: { json: { user: args.user, level: args.level } } });
    await this.show(result, () => permissionsTable(result));
  }
}
