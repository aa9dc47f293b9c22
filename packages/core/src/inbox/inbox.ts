import type { BatchOp } from '../store/store.js';
import type { QueuedMessage } from '../model/execution.js';

/** A message handed to one consumer for a while. */
export interface Lease {
  /** Position of the message in its inbox; identifies the message. */
  seq: string;
  holder: string;
  message: QueuedMessage;
  /**
   * The fencing token: new for every lease, so a holder whose lease was taken back (released,
   * redelivered, settled by another node, dropped with its inbox) holds an old one, and its ack,
   * release or extend changes nothing.
   */
  token: string;
  /** When the lease lapses unless extended (ms since the epoch); null for a lease without expiry. */
  expiresAt: number | null;
}

/** How a message is leased. */
export interface LeaseOptions {
  /**
   * Lease only if nothing else of the inbox is leased, and take the oldest message or none (never
   * one behind a message leased by someone else): a stateful actor's messages run one at a time, in order.
   */
  exclusive?: boolean;
  /** The lease lapses after this long (ms) unless extended; `redeliver` puts lapsed leases back. Default: never. */
  ttlMs?: number;
}

/**
 * The Inbox port: each actor's durable FIFO mailbox. An accepted message is never lost: it stays
 * queued or leased until acknowledged, purged, or dropped with its actor. Inboxes are named by the
 * actor's db id.
 * `@abaco/core/conformance` holds the suite every implementation must pass.
 */
export interface Inbox {
  /** Appends a message; `also` is written atomically with it (the execution record). */
  push(inbox: string, message: QueuedMessage, also?: BatchOp[]): Promise<void>;
  /** Hands the oldest queued message to `holder` (see `LeaseOptions`), or undefined when none is queued. */
  lease(inbox: string, holder: string, options?: LeaseOptions): Promise<Lease | undefined>;
  /**
   * Removes a leased message for good, with `also` written atomically with the removal, if `lease`
   * is still held (its token is the current one), and answers true; otherwise changes nothing,
   * writes nothing, and answers false (a stale holder's ack is refused).
   */
  ack(inbox: string, lease: Lease, also?: BatchOp[]): Promise<boolean>;
  /**
   * Puts a leased message back at its place at the head of the queue, if `lease` is still held and
   * its expiry has not moved on since it was read (a holder that came back after its lease was seen
   * to lapse, and extended it, keeps it); answers whether it did. An extension within the same
   * millisecond as what was read may go unseen.
   */
  release(inbox: string, lease: Lease): Promise<boolean>;
  /**
   * Makes a held lease lapse `ttlMs` from now (the heartbeat of a running execution), with `also`
   * written atomically with it, and answers true; false, writing nothing, when it is no longer held.
   */
  extend(inbox: string, lease: Lease, ttlMs: number, also?: BatchOp[]): Promise<boolean>;
  /** How many messages are queued (leased ones not counted). */
  length(inbox: string): Promise<number>;
  /** How many messages are queued and how many leased, as they were at one moment. */
  counts(inbox: string): Promise<{ queued: number; leased: number }>;
  /** Removes every queued message (leased ones stay) and returns them. */
  purge(inbox: string): Promise<QueuedMessage[]>;
  /**
   * Removes every message of an inbox, queued and leased (its actor is deleted): what the holders
   * of its leases ack, release or extend from then on changes nothing and writes nothing.
   */
  drop(inbox: string): Promise<void>;
  /** The leases currently held in an inbox, oldest message first. */
  leases(inbox: string): Promise<Lease[]>;
  /** Puts back every leased message whose holder is not alive or whose lease lapsed; returns how many. */
  redeliver(inbox: string, isAlive: (holder: string) => boolean): Promise<number>;
  /** Every inbox that holds queued or leased messages. */
  inboxes(): Promise<string[]>;
}

/** Whether a lease's time ran out by `now` (ms since the epoch). */
export function lapsed(lease: Lease, now: number): boolean {
  return lease.expiresAt !== null && lease.expiresAt <= now;
}
