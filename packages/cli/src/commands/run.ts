import { AbacoCommand } from '../base.js';
import { envQuery, messageArgs, messageBody, messageFlags, waitForExecution } from '../client/messages.js';
import { get } from '../client/render.js';

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
    const api = await this.api();
    const actor = encodeURIComponent(args.actor);
    const answer = await api.call('POST', `/${actor}/messages`, { body: messageBody(args.message, flags), query: { ...envQuery(flags.env), _abaco_synchronous: 'true' } });
    let execution = answer.headers['x-abaco-execution-id'] as string | undefined;
    let output = answer.bytes;
    if (answer.status === 202) {
      // the server stopped waiting: wait here, then read the result or the logs
      execution = get(answer.result, 'executionId') as string;
      await waitForExecution(api, args.actor, execution);
      const result = (await api.call('GET', `/${actor}/executions/${execution}/results`)).bytes;
      output = result.length > 0 ? result : Buffer.from((await api.call('GET', `/${actor}/executions/${execution}/logs`)).result.logs);
    }
    const done = execution ? (await api.call('GET', `/${actor}/executions/${execution}`)).result : undefined;
    if (flags.json) this.log(JSON.stringify({ execution: done, output: output.toString() }, null, 2));
    else process.stdout.write(output);
    const exitCode = get(done ?? {}, 'exitCode');
    if (done?.status === 'ERROR') this.exit(1);
    if (typeof exitCode === 'number' && exitCode !== 0) this.exit(exitCode);
  }
}
