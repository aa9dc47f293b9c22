import { Args, Flags } from '@oclif/core';
import { writeFileSync } from 'node:fs';
import { AbacoCommand } from '../../base.js';

export default class ExecutionsResults extends AbacoCommand {
  static override summary = 'Take the next result of an execution (each read removes it) and write its bytes.';
  static override examples = ['<%= config.bin %> executions results word_counter kA1P1m8NkkolK', '<%= config.bin %> executions results resizer kA1P1m8NkkolK -o small.jpg'];
  static override args = { actor: Args.string({ description: 'actor id or alias', required: true }), execution: Args.string({ description: 'execution id', required: true }) };
  static override flags = { output: Flags.string({ char: 'o', description: 'write the result to this file instead of stdout' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExecutionsResults);
    const bytes = Buffer.from(await (await this.client()).executions.result(args.actor, args.execution));
    if (flags.json) return this.log(JSON.stringify({ size: bytes.length, base64: bytes.toString('base64') }));
    if (flags.output) writeFileSync(flags.output, bytes);
    else process.stdout.write(bytes);
    if (bytes.length === 0) process.stderr.write('(no result waiting)\n');
  }
}
