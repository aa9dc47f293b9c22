import { Flags, ux } from '@oclif/core';
import { AbacoCommand } from '../base.js';
import { envOf, messageArgs, messageFlags, messageOf } from '../client/messages.js';

export default class Submit extends AbacoCommand {
  static override summary = 'Send a message to an actor and print the id of its execution.';
  static override description = 'With --json the message is JSON text, sent as a JSON message, and the answer is printed as JSON.';
  static override examples = [
    '<%= config.bin %> submit word_counter "Actor, please count these words."',
    '<%= config.bin %> submit JWpkNmBwKewYo \'{"words": ["a", "b"]}\' --json',
    '<%= config.bin %> submit classifier --binary photo.jpg --env THRESHOLD=0.8 --wait',
  ];
  static override args = messageArgs;
  static override flags = {
    ...messageFlags,
    wait: Flags.boolean({ char: 'w', description: 'wait until the execution finishes (progress on stderr)' }),
    quiet: Flags.boolean({ char: 'q', description: 'print the execution id only' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Submit);
    const client = await this.client();
    const message = await messageOf(args.message, flags);
    const { executionId: execution } = await client.messages.post(args.actor, message, envOf(flags.env));
    if (!flags.wait) return this.showAnswer(() => (flags.quiet ? execution : `Submitted execution ${execution}.`));
    ux.action.start(`execution ${execution}`, 'SUBMITTED', { stdout: false });
    const done = await client.executions.wait(args.actor, execution, { onPoll: ({ status }) => (ux.action.status = status) });
    ux.action.stop(done.status);
    await this.showAnswer(() => (flags.quiet ? execution : `Execution ${execution} ${done.status}, exit code ${done.exitCode}.`));
    if (done.status === 'ERROR') this.exit(1);
  }
}
