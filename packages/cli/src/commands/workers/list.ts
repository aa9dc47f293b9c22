import { Args } from '@oclif/core';
import { AbacoCommand } from '../../base.js';
import { workersTable } from '../../client/render.js';

export default class WorkersList extends AbacoCommand {
  static override summary = 'List the workers of an actor, and the pool the autoscaler wants for it.';
  static override examples = ['<%= config.bin %> workers list word_counter'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(WorkersList);
    const client = await this.client();
    const actor = await client.actors.get(args.actor);
    const workers = await client.workers.list(args.actor);
    const target = await autoscalerTarget((await this.profile()).url, actor.id);
    await this.showAnswer(() => workersTable(workers) + (target === undefined ? '' : `\nAutoscaler target: ${target} worker${target === '1' ? '' : 's'}`));
  }
}

/**
 * The autoscaler's last decision for an actor, read from the server's /metrics (series
 * `abaco_autoscaler_target_workers{actor="<tenant>_<id>"}`); undefined when the server shows none
 * (autoscaling off, or no decision yet) or its /metrics cannot be read.
 */
async function autoscalerTarget(url: string, actorId: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    if (response.status !== 200) return undefined;
    return new RegExp(`^abaco_autoscaler_target_workers\\{actor="[^"]*_${actorId}"\\} (\\d+)$`, 'm').exec(text)?.[1];
  } catch {
    return undefined;
  }
}
