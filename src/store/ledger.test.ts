import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { inflightEntries } from './inflight.ts';
import { pushQueued } from './inspect.ts';
import { decodeEntry, encodeEntry } from './keys.ts';
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
