// The wire format between AbacoExecutor and its runner (@abaco/core's assets/samples/node_func.cjs).
// A call is a JSON message {"abaco_executor": 1, "fn", "args", "max_result_bytes"}; its outcome comes
// back as results (datagrams), each headed "ABX1 <part> <parts>\n", whose payloads joined are the JSON
// {"ok": true, "value"} or {"ok": false, "error": {"name", "message", "stack"}}.
import type { RemoteFailure } from './executor-errors.js';

/** The largest results datagram (the engine's limit) and the room the runner keeps in it for the header. */
const DATAGRAM_BYTES = 131072;
const PART_BYTES = DATAGRAM_BYTES - 32;
/** The most a message may hold: the runner reads it from an environment variable, which Linux caps at 128 KiB. */
export const MAX_CALL_BYTES = 100_000;
/** The default and the largest `maxResultBytes`: what the runner may send back, in JSON bytes. */
export const DEFAULT_RESULT_BYTES = 16 * 1024 * 1024;
export const MAX_RESULT_BYTES = 64 * 1024 * 1024;
const HEADER = /^ABX1 ([1-9]\d{0,5}) ([1-9]\d{0,5})\n/;

/** The message of one call: the function's source and its arguments as JSON. Throws a TypeError or RangeError for what cannot travel. */
export function callMessage(fn: Function, args: unknown[], maxResultBytes: number): Record<string, unknown> {
  const message = { abaco_executor: 1, fn: sourceOf(fn), args, max_result_bytes: maxResultBytes };
  const bytes = new TextEncoder().encode(JSON.stringify(message)).length;
  if (bytes > MAX_CALL_BYTES) {
    throw new RangeError(`The call is ${bytes} bytes of JSON (function source and arguments), more than ${MAX_CALL_BYTES}: pass large inputs by reference (a URL, a path the actor can read).`);
  }
  return message;
}

/** The source text of a function, checked to be a function expression that the runner can evaluate on its own. */
function sourceOf(fn: Function): string {
  if (typeof fn !== 'function') throw new TypeError('The function to run must be a function.');
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(source)) throw new TypeError('A built-in or bound function cannot travel: pass a function written in JavaScript.');
  try {
    // Compiled, not run: method shorthand (`name() {}`) is not an expression.
    new Function(`return (${source}\n)`);
  } catch (e) {
    if (e instanceof SyntaxError) throw new TypeError(`The function's source is not a function expression (method shorthand cannot travel: use a function or an arrow): ${e.message}`);
  }
  return source;
}

/** A datagram's part number, the number of parts, and its payload; or why it is not a part. */
export function readPart(datagram: Uint8Array): { part: number; parts: number; payload: Uint8Array } | string {
  const head = new TextDecoder().decode(datagram.subarray(0, 24)); // the longest header: 19 bytes
  const match = HEADER.exec(head);
  if (!match) return 'a result without the runner\'s header (ABX1 <part> <parts>)';
  const payload = datagram.subarray(match[0].length);
  if (payload.length > PART_BYTES) return `a part of ${payload.length} bytes, more than ${PART_BYTES}`;
  return { part: Number(match[1]), parts: Number(match[2]), payload };
}

/** How many parts an outcome of at most `maxResultBytes` (plus the error's envelope) may take. */
export function maxParts(maxResultBytes: number): number {
  return Math.ceil((maxResultBytes + 1024) / PART_BYTES);
}

/** The outcome the joined payloads hold: the value, or the remote failure; a string says why it is not an outcome. */
export function readOutcome(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: RemoteFailure } | string {
  let outcome: unknown;
  try {
    outcome = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'a result that is not UTF-8 JSON';
  }
  if (outcome === null || typeof outcome !== 'object') return 'a result that is not an outcome object';
  const { ok, value, error } = outcome as { ok?: unknown; value?: unknown; error?: Partial<Record<keyof RemoteFailure, unknown>> };
  if (ok === true) return { ok, value };
  if (ok === false && error && typeof error === 'object') {
    const text = (field: unknown) => (typeof field === 'string' ? field : '');
    return { ok, error: { name: text(error.name) || 'Error', message: text(error.message), stack: text(error.stack) } };
  }
  return 'a result that is not an outcome object';
}
