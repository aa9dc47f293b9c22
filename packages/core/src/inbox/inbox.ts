import type { BatchOp } from '../store/store.js';
import type { QueuedMessage } from '../model/execution.js';

/** A message handed to one consumer for a while. */
export interface Lease {
  /** Position of the message in its inbox; identifies the lease. */
  seq: string;
  holder: string;
  message: QueuedMessage;
}

/**
 * The Inbox port: each actor's durable FIFO mailbox. An accepted message is never lost: it stays
 * queued or leased until acknowledged. Inboxes are named by the actor's db id.
 * `@abaco/core/conformance` holds the suite every implementation must pass.
 */
export interface Inbox {
  /** Appends a message; `also` is written atomically with it (the execution record). */
  push(inbox: string, message: QueuedMessage, also?: BatchOp[]): Promise<void>;
  /** Hands the oldest queued message to `holder`, or undefined when none is queued. */
  lease(inbox: string, holder: string): Promise<Lease | undefined>;
  /** Removes a leased message for good; `also` is written atomically with the removal. */
  ack(inbox: string, lease: Lease, also?: BatchOp[]): Promise<void>;
  /** Puts a leased message back at its place at the head of the queue. */
  release(inbox: string, lease: Lease): Promise<void>;
  /** How many messages are queued (leased ones not counted). */
  length(inbox: string): Promise<number>;
  /** Removes every queued message (leased ones stay) and returns them. */
  purge(inbox: string): Promise<QueuedMessage[]>;
  /** The leases currently held in an inbox. */
  leases(inbox: string): Promise<Lease[]>;
  /** Puts back every leased message whose holder is not alive; returns how many. */
  redeliver(inbox: string, isAlive: (holder: string) => boolean): Promise<number>;
  /** Every inbox that holds queued or leased messages. */
  inboxes(): Promise<string[]>;
}
