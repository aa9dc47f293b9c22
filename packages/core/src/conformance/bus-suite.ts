import t from 'tap';
import type { Bus } from '../bus/bus.js';

/** Waits until `done()` holds (a bus delivers asynchronously; one across processes, on a busy machine, takes its time). */
async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the notifications did not arrive in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The conformance suite of the Bus port. */
export function busConformance(name: string, make: () => Promise<Bus>): void {
  t.test(`Bus conformance: ${name}`, async (t) => {
    t.test('subscribers of a topic get its notifications, in order, and only its', async (t) => {
      const bus = await make();
      t.teardown(() => bus.close());
      const got: unknown[] = [];
      const other: unknown[] = [];
      const off = await bus.subscribe('inbox/T_a', (p) => got.push(p));
      await bus.subscribe('inbox/T_b', (p) => other.push(p));
      for (let i = 0; i < 5; i++) await bus.publish('inbox/T_a', { i });
      await until(() => got.length >= 5);
      t.same(got, [0, 1, 2, 3, 4].map((i) => ({ i })));
      t.same(other, []);
      await off();
      await bus.publish('inbox/T_a', { i: 5 });
      // a notification published after it arrives after the one before it: by then, the one before would have come
      await bus.publish('inbox/T_b', 'marker');
      await until(() => other.length === 1);
      t.equal(got.length, 5, 'nothing arrives after unsubscribing');
    });

    t.test('publishing with no subscriber is fine', async (t) => {
      const bus = await make();
      t.teardown(() => bus.close());
      await bus.publish('halt/T_x/e1', null);
      t.pass();
    });
  });
}
