import { Args, Flags } from '@oclif/core';
import { AbacoCommand } from '../../base.js';

export default class ExecutionsLogs extends AbacoCommand {
  static override summary = 'Print the logs of an execution (so far, if it still runs).';
  static override examples = ['<%= config.bin %> executions logs word_counter kA1P1m8NkkolK', '<%= config.bin %> executions logs word_counter kA1P1m8NkkolK --follow'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), execution: Args.string({ description: 'execution id', required: true }) };
  static override flags = { follow: Flags.boolean({ char: 'f', description: 'print the output as it comes (streamed by the server) until the execution ends' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExecutionsLogs);
    const client = await this.client();
    if (!flags.follow) {
      const text = await client.executions.logs(args.actor, args.execution);
      return this.show({ logs: text }, () => text.replace(/\n$/, ''));
    }
    for await (const piece of client.executions.followLogs(args.actor, args.execution)) process.stdout.write(piece);
  }
}
