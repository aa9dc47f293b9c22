import { AbacoCommand } from '../base.js';
import { envOf, messageArgs, messageFlags, messageOf } from '../client/messages.js';

export default class Run extends AbacoCommand {
  static override summary = 'Send a message and wait: print the result of the execution, or its logs.';
  static override description = `A synchronous message (_abaco_synchronous=true): the answer is the execution's first result
(bytes, written as they are) or else its logs. The command exits with the execution's exit code. If the server
stops waiting first, the command goes on waiting for the execution.`;
  static override examples = [
    '<%= config.bin %> run word_counter "Actor, please count these words."',
    '<%= config.bin %> run resizer --binary photo.jpg > small.jpg',
    '<%= config.bin %> run JWpkNmBwKewYo \'{"n": 10}\' --json --env DEBUG=1',
  ];
  static override args = messageArgs;
  static override flags = messageFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Run);
    const client = await this.client();
    const answer = await client.messages.sendSync(args.actor, await messageOf(args.message, flags), envOf(flags.env));
    const { executionId } = answer;
    let output = Buffer.from(answer.kind === 'result' ? answer.data : answer.kind === 'logs' ? answer.logs : '');
    if (answer.kind === 'timeout') {
      // the server stopped waiting: wait here, then read the result or the logs
      await client.executions.wait(args.actor, executionId);
      const result = Buffer.from(await client.executions.result(args.actor, executionId));
      output = result.length > 0 ? result : Buffer.from(await client.executions.logs(args.actor, executionId));
    }
    const done = executionId ? await client.executions.get(args.actor, executionId) : undefined;
    if (flags.json) this.log(JSON.stringify({ execution: done && this.answer.result, output: output.toString() }, null, 2));
    else process.stdout.write(output);
    if (done?.status === 'ERROR') this.exit(1);
    if (typeof done?.exitCode === 'number' && done.exitCode !== 0) this.exit(done.exitCode);
  }
}
