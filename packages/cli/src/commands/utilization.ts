import { AbacoCommand } from '../base.js';
import { fields } from '../client/output.js';

export default class Utilization extends AbacoCommand {
  static override summary = 'Show how busy the server is: actors, workers, queued commands.';
  static override examples = ['<%= config.bin %> utilization'];

  async run(): Promise<void> {
    await (await this.client()).utilization();
    await this.showAnswer(() => fields(this.answer.result));
  }
}
