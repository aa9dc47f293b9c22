import { AbacoCommand } from '../../base.js';
import { permissionTarget, permissionTargetArgs, permissionTargetFlags } from '../../client/permission-target.js';
import { permissionsTable } from '../../client/render.js';

export default class PermissionsList extends AbacoCommand {
  static override summary = 'List who may do what with an actor, an alias or a config.';
  static override examples = ['<%= config.bin %> permissions list word_counter', '<%= config.bin %> permissions list db_password --config'];
  static override args = permissionTargetArgs;
  static override flags = permissionTargetFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PermissionsList);
    const permissions = await (await this.client()).permissions.list(permissionTarget(args.target, flags));
    await this.showAnswer(() => permissionsTable(permissions));
  }
}
