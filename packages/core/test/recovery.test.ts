import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';
import { alice } from './helpers.js';
import { eventually, runningEngine } from './pipeline-helpers.js';

t.test('the health check leaves running executions alone, and removes the spool files of purged messages once a minute old', async (t) => {
  const images = {
    'test/token-wait': ['sh', '-c', 'echo "$_abaco_access_token"; sleep 30'],
    'test/read': ['sh', '-c', 'if [ -e "$ABACO_ROOT/_abaco_binary_data" ]; then wc -c < "$ABACO_ROOT/_abaco_binary_data"; else sleep 30; fi'],
  };
  let now = Date.now();
  const abaco = await runningEngine(t, { runtime: new ProcessRuntime({ images }), now: () => new Date(now), settings: { healthCheckIntervalMs: 50 } });
  const waiting = await abaco.actors.create(alice, { image: 'test/token-wait', token: true, stateless: false });
  const { execution } = await abaco.messages.send(alice, waiting.id, { kind: 'str', text: 'x' });
  const token = await eventually(async () => (await abaco.executions.logs(alice, waiting.id, execution.id)).logs.trim());

  const reader = await abaco.actors.create(alice, { image: 'test/read', stateless: false });
  await abaco.messages.send(alice, reader.id, { kind: 'str', text: 'x' });
  await eventually(async () => (await abaco.messages.count(alice, reader.id)).messages === 0);
  const binary = await abaco.messages.send(alice, reader.id, { kind: 'binary', data: Buffer.from('12345') });
  // @ts-expect-error the private spool folder
  const spooled = join(abaco.parts.spoolDir as string, `${binary.execution.id}.bin`);
  t.ok(existsSync(spooled));
  t.equal((await abaco.messages.purge(alice, reader.id)).purged, 1);

  now += 61_000;
  await eventually(async () => !existsSync(spooled));
  t.pass('the purged message\'s file went once it was a minute old');
  now += 10 * 86_400_000;
  t.equal((await abaco.executions.get(alice, waiting.id, execution.id)).execution.status, 'RUNNING');
  t.equal((await abaco.executions.logs(alice, waiting.id, execution.id)).logs, `${token}\n`, 'the log of the running execution has no expiry yet');
  t.match(await abaco.nonces.redeem(token, waiting.id, 'UPDATE'), { user: 'alice' }, 'its access token is valid while it runs');
  await abaco.executions.halt(alice, waiting.id, execution.id);
  await eventually(async () => (await abaco.executions.get(alice, waiting.id, execution.id)).execution.status === 'COMPLETE');
  await t.rejects(abaco.nonces.redeem(token, waiting.id, 'UPDATE'), { message: 'Nonce does not exist.' });
});
