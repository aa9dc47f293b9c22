import type { Test } from 'tap';
import { pino } from 'pino';
import { Abaco, type AbacoOptions } from '../src/engine/abaco.js';
import type { Identity } from '../src/auth/identity.js';
import type { Execution } from '../src/model/execution.js';
import { ProcessRuntime } from '../src/runtime/process-runtime.js';

/** Shell commands standing in for actor images (the process runtime runs them as host processes). */
export const images: Record<string, string[]> = {
  // the user guide's quickstart actor: counts the words of its message
  'abacosamples/wc': ['sh', '-c', 'echo "Number of words is: $(printf %s "$MSG" | wc -w)"'],
  'test/env': ['sh', '-c', 'env | sort'],
  'test/fail': ['sh', '-c', 'echo failing >&2; exit 3'],
  'test/sleep': ['sh', '-c', 'echo started; sleep 30; echo never'],
  'test/binary': ['sh', '-c', 'd=$(mktemp); cat "$ABACO_ROOT/_abaco_binary_data" > $d; wc -c < $d | tr -d " "; sha256sum < $d; rm $d'],
  'test/results': [
    'python3', '-c',
    'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\nfor r in [b"first", b"second", b"x" * 131072]:\n    s.sendto(r, os.environ["ABACO_ROOT"] + "/_abaco_results.sock")\nprint("sent 3 results")',
  ],
  'test/token': ['sh', '-c', 'echo "$_abaco_access_token"'],
  'test/result-then-sleep': [
    'python3', '-c',
    'import os, socket, time\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b"early", os.environ["ABACO_ROOT"] + "/_abaco_results.sock")\nprint("sent", flush=True)\ntime.sleep(30)',
  ],
  'test/slow': ['sh', '-c', 'sleep 0.3; echo "done $MSG"'],
  // prints for two seconds and a half: long enough to be seen running, on a busy machine too
  'test/out': ['sh', '-c', 'i=0; while [ $i -lt 5 ]; do echo "line $i"; i=$((i+1)); sleep 0.5; done'],
};

/** An engine that runs actors as processes, closed when the test ends. */
export async function runningEngine(t: Test, options: AbacoOptions = {}): Promise<Abaco> {
  const abaco = await Abaco.open({
    runtime: new ProcessRuntime({ images }),
    logger: pino({ level: 'error' }),
    ...options,
    settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 200, ...options.settings },
  });
  t.teardown(() => abaco.close({ kill: true }));
  return abaco;
}

/** Polls an execution until it is COMPLETE or ERROR. */
export async function finished(abaco: Abaco, who: Identity, actorId: string, executionId: string, timeoutMs = 20_000): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { execution } = await abaco.executions.get(who, actorId, executionId);
    if (execution.status === 'COMPLETE' || execution.status === 'ERROR') return execution;
    if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${execution.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until `check` returns something truthy. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
