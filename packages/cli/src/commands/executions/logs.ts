import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class ExecutionsLogs extends AbacoCommand {
  static override summary = 'Print the logs of an execution (so far, if it still runs).';
  static override examples = ['<%= config.bin %> executions logs word_counter kA1P1m8NkkolK', '<%= config.bin %> executions logs word_counter kA1P1m8NkkolK --follow'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), execution: Args.string({ description: 'execution id', required: true }) };
  static override flags = { follow: Flags.boolean({ char: 'f', description: 'print new lines as they come until the execution ends' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExecutionsLogs);
    const api = await this.api();
    const path = `/${encodeURIComponent(args.actor)}/executions/${args.execution}`;
    const logs = async () => (await api.call('GET', `${path}/logs`)).result.logs as string;
    if (!flags.follow) {
      const text = await logs();
      return this.show({ logs: text }, () => text.replace(/\n$/, ''));
    }
    let printed = 0;
    for (;;) {
      const status = (await api.call('GET', path)).result.status as string;
      const text = await logs();
      process.stdout.write(text.slice(printed));
      printed = text.length;
      if (status === 'COMPLETE' || status === 'ERROR') return;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
