import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { IoRelay } from '../src/execution/io-relay.js';

/** A relay on a real helper whose python writes its pid in the folder (so that a test can kill it), and the folder. */
function relay(t: Test): { relay: IoRelay; dir: string; helperPid: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'abaco-io-test-'));
  const python = join(dir, 'python');
  writeFileSync(python, `#!/bin/sh\necho $$ > "${dir}/helper.pid"\nexec python3 "$@"\n`);
  chmodSync(python, 0o755);
  const io = new IoRelay(pino({ level: 'silent' }), python);
  t.teardown(async () => {
    await io.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { relay: io, dir, helperPid: () => Number(readFileSync(join(dir, 'helper.pid'), 'utf8')) };
}

const send = (path: string, data: string) =>
  execFileSync('python3', ['-c', 'import socket, sys\nsocket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(sys.argv[2].encode(), sys.argv[1])', path, data]);

const spares = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('s-'));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error('condition not met in time');
}

t.test("the socket that closes binds a spare for its owner, and the next socket of that owner is that spare, moved", async (t) => {
  const { relay: io, dir } = relay(t);
  const got: string[] = [];
  await io.openResults('a', join(dir, 'a.sock'), null, (data) => got.push(`a:${data}`));
  t.same(spares(dir), [], 'the first socket of an owner is bound when asked for');
  send(join(dir, 'a.sock'), 'one');
  await io.closeResults('a');
  await until(() => spares(dir).length === 1);
  const [spare] = spares(dir);
  await io.openResults('b', join(dir, 'b.sock'), null, (data) => got.push(`b:${data}`));
  t.notOk(existsSync(join(dir, spare!)), 'the spare was taken');
  send(join(dir, 'b.sock'), 'two');
  await io.closeResults('b');
  t.same(got, ['a:one', 'b:two']);
  t.notOk(existsSync(join(dir, 'a.sock')) || existsSync(join(dir, 'b.sock')), 'closed sockets are removed');
});

t.test('a socket whose helper died while it was in use: its close fails and removes it; the next socket works', async (t) => {
  const { relay: io, dir, helperPid } = relay(t);
  await io.openResults('a', join(dir, 'a.sock'), null, () => {});
  await io.closeResults('a');
  await until(() => spares(dir).length === 1);
  // Killed, and its spare given before its death is seen (as when it dies at the worst moment).
  process.kill(helperPid(), 'SIGKILL');
  await io.openResults('b', join(dir, 'b.sock'), null, () => {});
  await until(() => {
    try {
      process.kill(helperPid(), 0);
      return false;
    } catch {
      return true;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 100)); // its exit seen
  await t.rejects(io.closeResults('b'), { message: /helper stopped while the execution ran: results it sent meanwhile are lost/ });
  t.notOk(existsSync(join(dir, 'b.sock')), 'its socket is removed');
  const got: string[] = [];
  await io.openResults('c', join(dir, 'c.sock'), null, (data) => got.push(String(data)));
  send(join(dir, 'c.sock'), 'after');
  await io.closeResults('c');
  t.same(got, ['after'], 'a new helper serves the next socket');
});
