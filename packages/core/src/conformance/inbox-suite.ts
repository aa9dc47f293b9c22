import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Inbox, Lease } from '../inbox/inbox.js';
import type { QueuedMessage } from '../model/execution.js';
import type { Store } from '../store/store.js';

const message = (executionId: string): QueuedMessage => ({
  executionId,
  contentType: 'str',
  text: `message ${executionId}`,
  binaryPath: null,
  env: {},
  executor: 'tester',
  synchronous: false,
});

/**
 * The conformance suite of the Inbox port. `make` returns a fresh inbox and the Store where the
 * records written with a push or an ack (`also`) land.
 */
export function inboxConformance(name: string, make: () => Promise<{ inbox: Inbox; store: Store; close: () => Promise<void> }>): void {
  t.test(`Inbox conformance: ${name}`, async (t) => {
    const fresh = async (t: { teardown: (fn: () => Promise<void>) => void }) => {
      const made = await make();
      t.teardown(made.close);
      return made;
    };

    t.test('messages come out in the order they went in', async (t) => {
      const { inbox } = await fresh(t);
      for (let i = 0; i < 20; i++) await inbox.push('A_1', message(`e${i}`));
      t.equal(await inbox.length('A_1'), 20);
      const out: string[] = [];
      for (let lease = await inbox.lease('A_1', 'w'); lease; lease = await inbox.lease('A_1', 'w')) {
        out.push(lease.message.executionId);
        await inbox.ack('A_1', lease);
      }
      t.same(out, Array.from({ length: 20 }, (_, i) => `e${i}`));
      t.equal(await inbox.length('A_1'), 0);
      t.same(await inbox.inboxes(), [], 'an emptied inbox is not listed');
    });

    t.test('each message goes to exactly one of many concurrent consumers', async (t) => {
      const { inbox } = await fresh(t);
      for (let i = 0; i < 60; i++) await inbox.push('A_2', message(`e${i}`));
      const seen: string[] = [];
      // Counted meanwhile: a message being leased is never counted both queued and leased.
      let counting = true;
      let most = 0;
      const counted = (async () => {
        while (counting) {
          const { queued, leased } = await inbox.counts('A_2');
          most = Math.max(most, queued + leased);
          await new Promise((resolve) => setImmediate(resolve)); // a read from memory would never let the others run
        }
      })();
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let lease = await inbox.lease('A_2', `w${w}`); lease; lease = await inbox.lease('A_2', `w${w}`)) {
            seen.push(lease.message.executionId);
            await inbox.ack('A_2', lease);
          }
        }),
      );
      counting = false;
      await counted;
      t.equal(seen.length, 60);
      t.equal(new Set(seen).size, 60);
      t.ok(most <= 60, `queued and leased never counted more than the 60 messages (at most ${most})`);
    });

    t.test('a leased message whose holder died comes back, at the head, and leases are listed', async (t) => {
      const { inbox } = await fresh(t);
      await inbox.push('A_3', message('first'));
      await inbox.push('A_3', message('second'));
      const lease = await inbox.lease('A_3', 'dead-worker');
      t.equal(lease?.message.executionId, 'first');
      t.equal(await inbox.length('A_3'), 1, 'leased messages are not counted as queued');
      t.same(await inbox.counts('A_3'), { queued: 1, leased: 1 });
      t.same(await inbox.counts('B_3'), { queued: 0, leased: 0 }, 'an inbox never used is empty');
      t.same((await inbox.leases('A_3')).map((l) => [l.holder, l.message.executionId]), [['dead-worker', 'first']]);
      t.equal(await inbox.redeliver('A_3', (holder) => holder !== 'dead-worker'), 1);
      t.equal(await inbox.redeliver('A_3', () => false), 0, 'nothing is leased any more');
      t.equal((await inbox.lease('A_3', 'new-worker'))?.message.executionId, 'first');
    });

    t.test('release puts a message back at its place; ack of a released lease does nothing', async (t) => {
      const { inbox } = await fresh(t);
      await inbox.push('A_4', message('a'));
      await inbox.push('A_4', message('b'));
      const lease = (await inbox.lease('A_4', 'w'))!;
      await inbox.release('A_4', lease);
      await inbox.ack('A_4', lease);
      t.equal(await inbox.length('A_4'), 2);
      t.equal((await inbox.lease('A_4', 'w'))?.message.executionId, 'a');
    });

    t.test('a lease extended after it was read is not released with what was read (its holder came back after it was seen to lapse); read again, it is', async (t) => {
      const { inbox, store } = await fresh(t);
      await inbox.push('A_14', message('a'), [{ type: 'put', key: 'exec/a', value: 'SUBMITTED' }]);
      const lease = (await inbox.lease('A_14', 'stalled-worker', { ttlMs: 1000 }))!;
      const [seen] = await inbox.leases('A_14');
      t.ok(await inbox.extend('A_14', lease, 60_000, [{ type: 'put', key: 'exec/a', value: 'RUNNING' }]), 'the holder extends its lease as it starts the execution');
      t.equal(await inbox.release('A_14', seen!), false, 'the release with the expiry seen before is refused');
      t.same(await inbox.counts('A_14'), { queued: 0, leased: 1 });
      t.equal(await inbox.ack('A_14', lease, [{ type: 'put', key: 'exec/a', value: 'COMPLETE' }]), true, 'the holder still holds it');
      t.equal(await store.get('exec/a'), 'COMPLETE');

      await inbox.push('A_14', message('b'));
      await inbox.lease('A_14', 'w', { ttlMs: 60_000 });
      const [current] = await inbox.leases('A_14');
      t.equal(await inbox.release('A_14', current!), true);
      t.same(await inbox.counts('A_14'), { queued: 1, leased: 0 }, 'a lease released as it was read is put back');
    });

    t.test('pushes, leases, releases and acks in any order: every lease takes the oldest message queued', async (t) => {
      const { inbox } = await fresh(t);
      // A model of the inbox: the messages queued and leased, by the order they were pushed in.
      const queued: number[] = [];
      const held: { n: number; lease: Lease }[] = [];
      let pushed = 0;
      let seed = 7;
      const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      for (let step = 0; step < 300; step++) {
        const op = random(4);
        if (op === 0 || (op === 1 && queued.length === 0)) {
          await inbox.push('A_12', message(`m${pushed}`));
          queued.push(pushed++);
        } else if (op === 1) {
          const lease = (await inbox.lease('A_12', 'w'))!;
          const oldest = queued.shift()!;
          if (lease.message.executionId !== `m${oldest}`) return t.fail(`step ${step}: leased ${lease.message.executionId}, m${oldest} is the oldest queued`);
          held.push({ n: oldest, lease });
        } else if (held.length > 0) {
          const { n, lease } = held.splice(random(held.length), 1)[0]!;
          if (op === 2) {
            await inbox.release('A_12', lease);
            queued.push(n);
            queued.sort((a, b) => a - b);
          } else await inbox.ack('A_12', lease);
        }
      }
      t.equal(await inbox.length('A_12'), queued.length);
      const rest: string[] = [];
      for (let lease = await inbox.lease('A_12', 'w'); lease; lease = await inbox.lease('A_12', 'w')) rest.push(lease.message.executionId);
      t.same(rest, queued.map((n) => `m${n}`), 'what is left comes out in order');
    });

    t.test('a holder whose lease was taken back can neither ack, release nor extend it: the message and its records stay as the new holder has them', async (t) => {
      const { inbox, store } = await fresh(t);
      await inbox.push('A_9', message('e1'), [{ type: 'put', key: 'exec/e1', value: 'SUBMITTED' }]);
      const stale = (await inbox.lease('A_9', 'lost-worker'))!;
      t.equal(await inbox.redeliver('A_9', (holder) => holder !== 'lost-worker'), 1);
      const current = (await inbox.lease('A_9', 'new-worker'))!;
      t.not(current.token, stale.token, 'the new lease has a new fencing token');
      t.equal(await inbox.ack('A_9', stale, [{ type: 'put', key: 'exec/e1', value: 'COMPLETE from the lost worker' }]), false, 'the stale ack is refused');
      t.equal(await inbox.release('A_9', stale), false, 'nor release it');
      t.notOk(await inbox.extend('A_9', stale, 60_000, [{ type: 'put', key: 'exec/e1', value: 'RUNNING on the lost worker' }]), 'nor extend it');
      t.equal(await store.get('exec/e1'), 'SUBMITTED', 'the stale ack and extension wrote nothing');
      t.ok(await inbox.extend('A_9', current, 60_000, [{ type: 'put', key: 'exec/e1', value: 'RUNNING' }]), "the holder's extension is taken");
      t.equal(await store.get('exec/e1'), 'RUNNING', 'with its records');
      t.same((await inbox.leases('A_9')).map((l) => l.holder), ['new-worker'], 'the message is still leased to the new holder');
      t.equal(await inbox.ack('A_9', current, [{ type: 'put', key: 'exec/e1', value: 'COMPLETE' }]), true, "the holder's ack is taken");
      t.equal(await store.get('exec/e1'), 'COMPLETE');
      t.same(await inbox.inboxes(), []);
    });

    t.test('exclusive leases: never two leased messages in one inbox, the oldest or none, whoever asks at once', async (t) => {
      const { inbox } = await fresh(t);
      for (const id of ['a', 'b', 'c']) await inbox.push('S_1', message(id));
      const out: string[] = [];
      for (let round = 0; round < 3; round++) {
        const got = (await Promise.all(Array.from({ length: 8 }, (_, w) => inbox.lease('S_1', `w${w}`, { exclusive: true })))).filter((l) => l !== undefined);
        t.equal(got.length, 1, `round ${round}: one lease among 8 asking at once`);
        t.equal(await inbox.lease('S_1', 'late', { exclusive: true }), undefined, 'none while it is held');
        out.push(got[0]!.message.executionId);
        if (round === 0) {
          await inbox.release('S_1', got[0]!);
          const again = (await inbox.lease('S_1', 'w', { exclusive: true }))!;
          t.equal(again.message.executionId, 'a', 'a released message is the next one again');
          await inbox.ack('S_1', again);
        } else await inbox.ack('S_1', got[0]!);
      }
      t.same(out, ['a', 'b', 'c']);
    });

    t.test('a lease with a time to live is put back by redeliver once it lapses, unless extended', async (t) => {
      const { inbox } = await fresh(t);
      await inbox.push('A_10', message('e1'));
      const lease = (await inbox.lease('A_10', 'w', { ttlMs: 60_000 }))!;
      t.ok(lease.expiresAt !== null && lease.expiresAt > Date.now() + 30_000, 'it lapses a minute from now');
      t.equal((await inbox.leases('A_10'))[0]?.expiresAt, lease.expiresAt, 'leases show the expiry');
      t.equal(await inbox.redeliver('A_10', () => true), 0, 'a live holder within its time keeps it');
      t.ok(await inbox.extend('A_10', lease, 120_000), 'the holder extends it');
      t.ok((await inbox.leases('A_10'))[0]!.expiresAt! > lease.expiresAt!, 'to a later expiry');
      t.equal(await inbox.redeliver('A_10', () => true), 0, 'and keeps it');
      t.ok(await inbox.extend('A_10', lease, 0), 'the holder may shorten it, here to nothing');
      t.equal(await inbox.redeliver('A_10', () => true), 1, 'a lapsed lease goes back, though its holder is alive');
      t.notOk(await inbox.extend('A_10', lease, 60_000), 'its holder can no longer extend it');
      const next = (await inbox.lease('A_10', 'other'))!;
      t.equal(next.message.executionId, 'e1');
      t.equal(next.expiresAt, null, 'a lease without a time to live never lapses');
    });

    t.test('records written with a push or an ack land with it', async (t) => {
      const { inbox, store } = await fresh(t);
      await inbox.push('A_5', message('x'), [{ type: 'put', key: 'exec/x', value: 'SUBMITTED' }]);
      t.equal(await store.get('exec/x'), 'SUBMITTED');
      const lease = (await inbox.lease('A_5', 'w'))!;
      await inbox.ack('A_5', lease, [{ type: 'put', key: 'exec/x', value: 'COMPLETE' }]);
      t.equal(await store.get('exec/x'), 'COMPLETE');
      await t.rejects(inbox.push('A_5', message('y'), [{ type: 'put', key: 'exec/y', value: 1n }]), 'a push whose records cannot be written fails');
      t.equal(await inbox.length('A_5'), 0, 'and queues nothing');
    });

    t.test('pushes made at the same time all land, each with its records; one that cannot be written fails alone', async (t) => {
      const { inbox, store } = await fresh(t);
      const ids = Array.from({ length: 300 }, (_, i) => `c${i}`);
      const outcomes = await Promise.allSettled(
        ids.map((id, i) => inbox.push('A_8', message(id), [{ type: 'put', key: `exec/${id}`, value: i === 150 ? 1n : 'SUBMITTED' }])),
      );
      t.same(outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : [])), [150], 'only the push whose record is not JSON fails');
      t.equal(await inbox.length('A_8'), 299);
      t.equal(await store.get('exec/c150'), undefined);
      t.equal(await store.get('exec/c7'), 'SUBMITTED');
      const out = new Set<string>();
      for (let lease = await inbox.lease('A_8', 'w'); lease; lease = await inbox.lease('A_8', 'w')) out.add(lease.message.executionId);
      t.same([...out].sort(), ids.filter((id) => id !== 'c150').sort(), 'every other message comes out once');
    });

    t.test('purge removes the queued messages and returns them; leased ones stay', async (t) => {
      const { inbox } = await fresh(t);
      for (const id of ['a', 'b', 'c']) await inbox.push('A_6', message(id));
      await inbox.push('B_6', message('other'));
      const lease = (await inbox.lease('A_6', 'w'))!;
      t.same((await inbox.purge('A_6')).map((m) => m.executionId), ['b', 'c']);
      t.equal(await inbox.length('A_6'), 0);
      t.same((await inbox.leases('A_6')).map((l) => l.message.executionId), ['a']);
      t.equal(await inbox.length('B_6'), 1, 'other inboxes are untouched');
      t.same((await inbox.inboxes()).sort(), ['A_6', 'B_6']);
      await inbox.ack('A_6', lease);
      t.same(await inbox.inboxes(), ['B_6']);
    });

    t.test('drop removes queued and leased messages; their holders can then neither ack, release nor extend, and write nothing', async (t) => {
      const { inbox, store } = await fresh(t);
      for (const id of ['a', 'b', 'c']) await inbox.push('A_13', message(id));
      await inbox.push('B_13', message('other'));
      const lease = (await inbox.lease('A_13', 'w', { ttlMs: 60_000 }))!;
      await inbox.drop('A_13');
      t.equal(await inbox.length('A_13'), 0);
      t.same(await inbox.leases('A_13'), []);
      t.same(await inbox.inboxes(), ['B_13'], 'other inboxes are untouched');
      t.notOk(await inbox.extend('A_13', lease, 60_000, [{ type: 'put', key: 'exec/a', value: 'RUNNING' }]));
      t.notOk(await inbox.ack('A_13', lease, [{ type: 'put', key: 'exec/a', value: 'COMPLETE' }]));
      await inbox.release('A_13', lease);
      t.equal(await store.get('exec/a'), undefined, 'nothing was written');
      t.equal(await inbox.lease('A_13', 'w'), undefined, 'nothing comes back');
      await inbox.push('A_13', message('d'));
      t.equal((await inbox.lease('A_13', 'w'))?.message.executionId, 'd', 'the inbox takes new messages');
    });

    t.test('100,000 queued messages without holding them in memory', async (t) => {
      const { inbox } = await fresh(t);
      const heapBefore = heapAfterGc();
      for (let i = 0; i < 100_000; i++) await inbox.push('A_7', message(`m${i}`));
      t.equal(await inbox.length('A_7'), 100_000);
      const lease = await inbox.lease('A_7', 'w');
      t.equal(lease?.message.executionId, 'm0');
      const grown = (heapAfterGc() - heapBefore) / 1e6;
      t.ok(grown < 10, `the heap grew by ${grown.toFixed(1)} MB; 100,000 messages as objects would take about 30 MB`);
    });
  });
}

/** The heap in use after a full garbage collection. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}
