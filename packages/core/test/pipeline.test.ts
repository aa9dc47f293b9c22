import t from 'tap';
import { alice } from './helpers.js';
import { finished, runningEngine } from './pipeline-helpers.js';

t.test('the quickstart: the word-count actor counts the words of its message', async (t) => {
  const abaco = await runningEngine(t);
  const actor = await abaco.actors.create(alice, { image: 'abacosamples/wc', name: 'word_counter' });
  const { execution } = await abaco.messages.send(alice, actor.id, { kind: 'str', text: 'Actor, please count these words.' });
  t.equal(execution.status, 'SUBMITTED');
  const done = await finished(abaco, alice, actor.id, execution.id);
  t.match(done, { status: 'COMPLETE', exitCode: 0, executor: 'alice', finalState: { Status: 'exited', ExitCode: 0, OOMKilled: false } });
  t.ok(done.workerId && done.startTime && done.finishTime);
  const { logs } = await abaco.executions.logs(alice, actor.id, execution.id);
  t.equal(logs, 'Number of words is: 5\n');
  t.equal((await abaco.actors.get(alice, actor.id)).status, 'READY');
});
