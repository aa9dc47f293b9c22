import { Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { actorBody, actorFlags } from '../../client/actor-flags.js';

export default class ActorsCreate extends AbacoCommand {
  static override summary = 'Register an actor.';
  static override examples = [
    '<%= config.bin %> actors create --image abacosamples/wc --name word_counter',
    '<%= config.bin %> actors create -i me/reactor --no-stateless -e KEY=value --hint sync --cron-schedule "now + 1 hour"',
    '<%= config.bin %> actors create --file actor.json -q',
  ];
  static override flags = { ...actorFlags, quiet: Flags.boolean({ char: 'q', description: 'print the id only' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(ActorsCreate);
    const body = actorBody(flags);
    if (!body.image) this.error('An image is required: --image NAME (or "image" in --file).', { exit: 2 });
    const actor = await (await this.client()).actors.create({ ...body, image: body.image });
    await this.showAnswer(() => (flags.quiet ? actor.id : `Created actor ${actor.id} (${actor.image}), status ${actor.status}.`));
  }
}
