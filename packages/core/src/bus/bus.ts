/**
 * The Bus port: notifications between the parts of the engine (a message arrived, halt an
 * execution, an event happened). Not durable and never the only copy of anything: a missed
 * notification may delay work, never lose it. Topics are '/'-separated words.
 */
export interface Bus {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Calls `handler` for each notification on `topic` until the returned function is called. */
  subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The topics the engine uses. */
export const topics = {
  /** A message was queued for an actor (payload: nothing). */
  inbox: (actorDbId: string) => `inbox/${actorDbId}`,
  /** Halt a running execution (payload: nothing). */
  halt: (actorDbId: string, executionId: string) => `halt/${actorDbId}/${executionId}`,
  /** An execution finished (payload: the execution). */
  finished: (actorDbId: string, executionId: string) => `finished/${actorDbId}/${executionId}`,
};
