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
    const client = await this.client();
    const body = actorBody(flags);
    const image = body.image ?? (await client.actors.get(args.actor)).image;
    const updated = await client.actors.update(args.actor, { ...body, image, ...(flags.force ? { force: true } : {}) });
    await this.showAnswer(() => `Updated actor ${updated.id}: revision ${updated.revision}, status ${updated.status}.`);
  }
}
