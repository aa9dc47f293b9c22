import t from 'tap';
import { serve } from './server.js';

t.test('followLogs gives the output of a running execution as it comes, and ends when it is halted', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/sleep' });
  const { executionId } = await alice.messages.send(actor.id, 'x');
  const pieces: string[] = [];
  for await (const piece of alice.executions.followLogs(actor.id, executionId, { intervalMs: 50 })) {
    pieces.push(piece);
    if (piece.includes('started')) await alice.executions.halt(actor.id, executionId);
  }
  t.equal(pieces.join(''), 'started\n', 'each piece once, in order');
  t.equal((await alice.executions.get(actor.id, executionId)).status, 'COMPLETE', 'it ended with the execution');
});

t.test('wait shows each status it reads to onPoll, the last one finished', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const { executionId } = await alice.messages.send(actor.id, 'a b');
  const seen: string[] = [];
  const done = await alice.executions.wait(actor.id, executionId, { intervalMs: 20, onPoll: (execution) => seen.push(execution.status) });
  t.equal(done.status, 'COMPLETE');
  t.equal(seen.at(-1), 'COMPLETE');
  t.ok(seen.every((status) => ['SUBMITTED', 'RUNNING', 'COMPLETE'].includes(status)), `statuses seen: ${seen.join(', ')}`);
});
