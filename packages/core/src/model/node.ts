/**
 * A node: one engine (an `abaco serve` process, or a program embedding the engine) that runs the
 * workers it starts on its own container runtime. Nodes sharing a store (cluster mode) each keep a
 * record with a heartbeat; a node whose heartbeat stops is presumed dead.
 */
export interface ClusterNode {
  id: string;
  /** When this run of the node started (ISO). */
  started: string;
  /** When it last said it is alive (ISO, by its own clock). */
  heartbeat: string;
  /** The workers it may run at once (setting `maxWorkersPerNode`). */
  capacity: number;
  /** The runtime its workers' containers run on (docker, podman, process, none). */
  runtime: string;
  /** Its address (setting `hostIp`). */
  hostIp: string;
  /** Whether it held the leadership (cron, autoscaler) at its last heartbeat. */
  leader: boolean;
  /** New at every start: tells this run of the node from an earlier one, or from another process using the same id. */
  incarnation: string;
}

/** A node as the operator sees it: its record, its workers, and whether its heartbeat is recent. */
export interface NodeView extends Omit<ClusterNode, 'incarnation'> {
  /** Workers recorded on the node, of the tenant of who asks. */
  workers: number;
  /** Whether its last heartbeat is recent (within three heartbeat intervals). */
  alive: boolean;
}

/** Node ids: letters, digits and `.`, `_`, `:`, `@`, `-` (a host name and a port, by default). */
export const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;

