import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { inflightEntries } from './inflight.ts';
import { pushQueued } from './inspect.ts';
import { BUCKET_MS, decodeEntry, encodeEntry } from './keys.ts';
import { record } from './ledger.ts';
import { take } from './queue.ts';
import { ledgerTotals } from './summary.ts';
import { NO_FROM, NO_TO } from '../time.ts';

let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis());
});
after(() => redis.close().then(() => server.stop()));

test('recording releases exactly the recorded entries from the in-flight list, wherever they sit in it', async () => {
  const now = Date.now();
  const entries = [1, 2, 3, 4, 5].map((n) => encodeEntry(`pos-${n}`, 1990, now));
  await pushQueued(redis, entries);
  const taken = await take(redis, 'w-pos', 5);
  assert.equal(taken.length, 5);
  // The oldest (the list's tail), one in the middle and the newest (its head).
  const chosen = [taken[0]!, taken[2]!, taken[4]!];
  const fresh = await record(
    redis,
    'w-pos',
    chosen.map((entry) => ({ payment: decodeEntry(entry)!, entry: { processor: 'default', requestedAtMs: now, cents: 1990 } })),
  );
  assert.deepEqual(fresh, [true, true, true]);
  assert.deepEqual((await inflightEntries(redis, 'w-pos')).sort(), [taken[1]!, taken[3]!].sort());
  assert.equal((await ledgerTotals(redis, 'default', NO_FROM, NO_TO)).count, 3);
});

test('a batch across buckets and both processors adds each payment once to its own bucket and to its totals', async () => {
  const base = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - 10 * BUCKET_MS;
  const payments = [
    { id: 'sum-1', processor: 'default', at: base + 150, cents: 1990 },
    { id: 'sum-2', processor: 'default', at: base + 160, cents: 10 },
    { id: 'sum-3', processor: 'default', at: base + 250, cents: 700 },
    { id: 'sum-4', processor: 'fallback', at: base + 150, cents: 333 },
  ] as const;
  const entries = payments.map((p) => encodeEntry(p.id, p.cents, base));
  const before = await ledgerTotals(redis, 'default', NO_FROM, NO_TO);
  await pushQueued(redis, entries);
  const taken = await take(redis, 'w-sum', entries.length);
  const batch = payments.map((p, i) => ({ payment: decodeEntry(entries[i]!)!, entry: { processor: p.processor, requestedAtMs: p.at, cents: p.cents } }));
  // The first payment again in the same batch: no longer in flight, not counted twice.
  const fresh = await record(redis, 'w-sum', [...batch, batch[0]!]);
  assert.equal(taken.length, 4);
  assert.deepEqual(fresh, [true, true, true, true, false]);
  // [base, base + 399]: buckets 1 and 2 are read whole from the bucket hashes, 0 and 3 from the log.
  assert.deepEqual(await ledgerTotals(redis, 'default', base, base + 399), { count: 3, cents: 2700 });
  assert.deepEqual(await ledgerTotals(redis, 'default', base + 200, base + 299), { count: 1, cents: 700 });
  assert.deepEqual(await ledgerTotals(redis, 'fallback', base, base + 399), { count: 1, cents: 333 });
  assert.deepEqual(await ledgerTotals(redis, 'default', NO_FROM, NO_TO), { count: before.count + 3, cents: before.cents + 2700 });
});
