'use strict';
// abacosamples/node_func: the function runner of @abaco/client's AbacoExecutor. Each execution is one
// fresh Node process that runs one call and sends its outcome back through the results socket.
//
// The message (JSON, read from _abaco_raw_message) is data: {"abaco_executor": 1, "fn": <source of a
// function>, "args": [<JSON values>], "max_result_bytes": <n>}. Only `fn` is ever evaluated, as one
// function expression: whoever may send messages to this actor may run code in it, as they could in
// any actor of theirs. Nothing else of the message (or of the environment) is evaluated.
//
// The outcome is JSON: {"ok": true, "value": <the return value>} or {"ok": false, "error": {"name",
// "message", "stack"}}. Its UTF-8 bytes are cut into parts that each fit one results datagram (131072
// bytes), every part headed by the line "ABX1 <part> <parts>\n"; past max_result_bytes the outcome
// is a ResultTooLargeError instead. The datagrams go to a sender (Node has no Unix datagram sockets):
// the command after --sender on the command line, which reads them from its standard input, each as
// a 4-byte big-endian length and its bytes, and is given the socket's path as its last argument.
// The runner exits 0 after a return, 1 after a throw (the execution's exit code shows it).

const { spawn } = require('node:child_process');
const { join } = require('node:path');

const DATAGRAM_BYTES = 131072;
const HEADER_BYTES = 32; // room kept in each datagram for its header line
const RESULT_BYTES_CAP = 64 * 1024 * 1024;

const senderAt = process.argv.indexOf('--sender');
const sender = senderAt === -1 ? [] : process.argv.slice(senderAt + 1);
if (sender.length === 0) {
  process.stderr.write('node_func: no sender command given (--sender COMMAND...)\n');
  process.exit(2);
}
const socketPath = process.env.ABACO_ROOT ? join(process.env.ABACO_ROOT, '_abaco_results.sock') : '/_abaco_results.sock';
// Started first, so that its start-up overlaps the call.
const child = spawn(sender[0], [...sender.slice(1), socketPath], { stdio: ['pipe', 'ignore', 'inherit'] });
child.stdin.on('error', () => {}); // a sender that died is reported by its exit
const sent = new Promise((resolve) => {
  child.on('error', (e) => resolve(`could not start ${sender[0]}: ${e.message}`));
  child.on('exit', (code) => resolve(code === 0 ? null : `${sender[0]} exited with ${code}`));
});

/** The fields of a thrown value: an Error's name, message and stack, or the text of anything else. */
function described(thrown) {
  if (thrown instanceof Error) return { name: String(thrown.name), message: String(thrown.message), stack: String(thrown.stack ?? '') };
  let text;
  try {
    text = typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  return { name: 'Error', message: `A non-Error value was thrown: ${text}`, stack: '' };
}

function failure(name, message) {
  return { ok: false, error: { name, message, stack: '' } };
}

/** The call the message asks for, checked: a function's source, its arguments and the result limit. */
function readCall() {
  const raw = process.env._abaco_raw_message ?? process.env.MSG ?? '';
  let message;
  try {
    message = JSON.parse(raw);
  } catch {
    return failure('BadMessageError', 'The message is not JSON: send calls with @abaco/client\'s AbacoExecutor.');
  }
  if (message === null || typeof message !== 'object' || message.abaco_executor !== 1) return failure('BadMessageError', 'The message is not a call of AbacoExecutor (abaco_executor: 1).');
  if (typeof message.fn !== 'string') return failure('BadMessageError', 'The message\'s fn must be the source text of a function.');
  if (!Array.isArray(message.args)) return failure('BadMessageError', 'The message\'s args must be an array.');
  const limit = Number.isSafeInteger(message.max_result_bytes) && message.max_result_bytes > 0 ? Math.min(message.max_result_bytes, RESULT_BYTES_CAP) : RESULT_BYTES_CAP;
  return { source: message.fn, args: message.args, limit };
}

async function outcomeOf(call) {
  let fn;
  try {
    // The one evaluation: the function's source, as an expression, in the global scope (indirect eval).
    fn = (0, eval)(`(${call.source}\n)`);
  } catch (e) {
    return { ok: false, error: described(e) };
  }
  if (typeof fn !== 'function') return failure('TypeError', 'The message\'s fn is not the source of a function.');
  try {
    return { ok: true, value: await fn(...call.args) };
  } catch (e) {
    return { ok: false, error: described(e) };
  }
}

/** The outcome's JSON bytes and whether it is a return, or those of the error that keeps it from travelling. */
function encode(outcome, limit) {
  let bytes;
  try {
    bytes = Buffer.from(JSON.stringify(outcome), 'utf8');
  } catch (e) {
    return { bytes: Buffer.from(JSON.stringify({ ok: false, error: described(e) }), 'utf8'), ok: false };
  }
  if (bytes.length <= limit) return { bytes, ok: outcome.ok };
  const refusal = failure('ResultTooLargeError', `The function's result is ${bytes.length} bytes of JSON, more than the limit of ${limit} (maxResultBytes).`);
  return { bytes: Buffer.from(JSON.stringify(refusal), 'utf8'), ok: false };
}

/** The outcome as framed datagrams for the sender: each part with its header, behind its length. */
function frames(bytes) {
  const size = DATAGRAM_BYTES - HEADER_BYTES;
  const parts = Math.max(1, Math.ceil(bytes.length / size));
  const out = [];
  for (let part = 1; part <= parts; part++) {
    const datagram = Buffer.concat([Buffer.from(`ABX1 ${part} ${parts}\n`), bytes.subarray((part - 1) * size, part * size)]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(datagram.length);
    out.push(length, datagram);
  }
  return Buffer.concat(out);
}

async function main() {
  global.require = require; // built-in modules for the function: require('node:os') or await import('node:os')
  const call = readCall();
  const outcome = 'source' in call ? await outcomeOf(call) : call;
  const { bytes, ok } = encode(outcome, 'limit' in call ? call.limit : RESULT_BYTES_CAP);
  child.stdin.end(frames(bytes));
  const problem = await sent;
  if (problem) {
    process.stderr.write(`node_func: the result could not be sent: ${problem}\n`);
    process.exit(3);
  }
  process.exit(ok ? 0 : 1);
}

main();
