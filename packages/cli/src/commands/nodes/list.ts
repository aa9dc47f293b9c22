import { AbacoCommand } from '../../base.js';
import { ago, table } from '../../client/output.js';

export default class NodesList extends AbacoCommand {
  static override summary = 'List the nodes serving the API from one store: heartbeat, capacity, workers, leader (admins).';
  static override description = `Each abaco serve of a cluster (--store postgres://...) is a node; a server on its embedded store is
the only one. A node whose last heartbeat is three intervals old is shown as not alive, and never as the leader.`;
  static override examples = ['<%= config.bin %> nodes list'];

  async run(): Promise<void> {
    const { nodes } = await (await this.client()).admin.nodes();
    const yes = (value: unknown) => (value ? 'yes' : 'no');
    await this.showAnswer(() =>
      table(
        ['ID', 'LEADER', 'ALIVE', 'HEARTBEAT', 'CAPACITY', 'WORKERS', 'RUNTIME', 'HOST IP', 'STARTED'],
        nodes.map((n) => [String(n.id), yes(n.leader), yes(n.alive), ago(n.heartbeat), String(n.capacity), String(n.workers), String(n.runtime), String(n.hostIp), ago(n.started)]),
      ),
    );
  }
}
