import t from 'tap';
import type { Envelope } from '../src/index.js';
import { serve } from './server.js';

t.test('onAnswer is told of each JSON answer as the server shows it, message and snake_case result', async (t) => {
  const { client } = await serve(t);
  const seen: Envelope<unknown>[] = [];
  const alice = client({ credentials: { token: 'alice-token' }, onAnswer: (answer) => seen.push(answer) });
  const actor = await alice.actors.create({ image: 'test/wc', defaultEnvironment: { LANG: 'en' } });
  t.same(actor.defaultEnvironment, { LANG: 'en' }, 'the record itself is camelCase');
  t.match(seen.at(-1), { message: /Actor created successfully/i, result: { id: actor.id, default_environment: { LANG: 'en' } } });
  t.notOk('defaultEnvironment' in (seen.at(-1)!.result as object), 'the answer is as shown');

  await alice.actors.delete(actor.id);
  t.match(seen.at(-1), { message: /deleted/i }, 'a deletion\'s message, though delete() answers nothing');
  const before = seen.length;
  await t.rejects(alice.actors.get(actor.id));
  t.equal(seen.length, before, 'a refusal is not an answer');
});
