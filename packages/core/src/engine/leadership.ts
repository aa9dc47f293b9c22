/**
 * Whether this node is the leader of the nodes sharing its store: the leader alone runs the periodic
 * work done once for all (the cron scheduler and the autoscaler's passes). Cluster stores supply
 * one (PostgreSQL: an advisory lock); an engine alone on its store is always the leader.
 */
export interface Leadership {
  /** Whether this node leads now; answered from memory, without I/O. */
  readonly isLeader: boolean;
  /** Calls `listener` each time `isLeader` changes. */
  onChange(listener: (isLeader: boolean) => void): void;
  /** Gives up the leadership (if held) and stops seeking it. */
  close(): Promise<void>;
}

/** The leadership of an engine alone on its store: always the leader. */
export const soleLeader: Leadership = {
  isLeader: true,
  onChange: () => {},
  close: async () => {},
};
