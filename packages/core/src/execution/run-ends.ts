import type { Execution } from '../model/execution.js';

/** How a run of this node ended, as written with its end. */
export interface RunEnd {
  execution: Execution;
  /** How many results the run received (each waits in the ResultQueue until it is read). */
  results: number;
  /** Its whole log. */
  logs: string;
}

/**
 * Synchronous senders waiting on this node for an execution, told by the run of this node that ends
 * it how it ended: the answer (its logs, or that there is no result to take) then needs no read of
 * the store. A sender whose execution ran on another node, or ended otherwise (failed, settled as
 * lost), learns of the end from the bus and reads the answer from the store.
 */
export class RunEnds {
  /** One sender at most waits for an execution: the one whose synchronous message queued it. */
  private readonly waiting = new Map<string, (end: RunEnd) => void>();

  /** Calls `told` when a run of this node ends `executionId`; returns what stops waiting. */
  wait(executionId: string, told: (end: RunEnd) => void): () => void {
    this.waiting.set(executionId, told);
    return () => {
      if (this.waiting.get(executionId) === told) this.waiting.delete(executionId);
    };
  }

  /** Tells the sender waiting for this execution, if any, how its run ended. */
  ended(end: RunEnd): void {
    this.waiting.get(end.execution.id)?.(end);
  }
}
