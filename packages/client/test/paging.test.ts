import t from 'tap';
import { serve } from './server.js';

t.test('paging iterators walk every record of a search and every execution, in order, a page a request', async (t) => {
  const { client } = await serve(t);
  const alice = client('alice');
  const actor = await alice.actors.create({ image: 'test/wc' });
  const other = await alice.actors.create({ image: 'test/wc' });
  const sent: string[] = [];
  for (let i = 0; i < 23; i++) sent.push((await alice.messages.send(actor.id, `message ${i}`)).executionId);
  await alice.messages.send(other.id, 'elsewhere');

  const seen: string[] = [];
  for await (const execution of alice.executions.iterate(actor.id, {}, { pageSize: 5 })) seen.push(execution.id);
  t.same(seen, sent, 'all 23 executions of the actor, in the order received, no other');

  const searched: string[] = [];
  for await (const execution of alice.search.all('executions', { actor_id: actor.id }, { pageSize: 10 })) searched.push(execution.id);
  t.same(searched, sent, 'the search pages agree');

  const some: string[] = [];
  for await (const execution of alice.executions.iterate(actor.id, {}, { pageSize: 4 })) {
    some.push(execution.id);
    if (some.length === 6) break;
  }
  t.same(some, sent.slice(0, 6), 'leaving early is fine');

  let actors = 0;
  for await (const record of alice.search.all('actors')) actors += record.id ? 1 : 0;
  t.equal(actors, 2, 'a search with fewer records than a page');
});
