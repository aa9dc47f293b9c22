import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { actorBody, actorFlags } from '../../client/actor-flags.js';

export default class ActorsUpdate extends AbacoCommand {
  static override summary = 'Change an actor: the properties given change, the others stay.';
  static override description = 'A new --image (or --force) moves the actor to a new revision: its workers are replaced, queued messages run on the new image.';
  static override examples = ['<%= config.bin %> actors update word_counter --image abacosamples/wc:2', '<%= config.bin %> actors update JWpkNmBwKewYo --no-cron', '<%= config.bin %> actors update word_counter --force'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };
  static override flags = { ...actorFlags, force: Flags.boolean({ description: 'new revision even with the same image (pulls it again)' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ActorsUpdate);
    const api = await this.api();
    const body = actorBody(flags);
    if (!body.image) body.image = (await api.call('GET', `/${encodeURIComponent(args.actor)}`)).result.image;
    if (flags.force) body.force = true;
    const { result } = await api.call('PUT', `/${encodeURIComponent(args.actor)}`, { body: { json: body } });
    await this.show(result, () => `Updated actor ${result.id}: revision ${result.revision}, status ${result.status}.`);
  }
}
