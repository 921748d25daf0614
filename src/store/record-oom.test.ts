import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { pinAttempt } from './inflight.ts';
import { attemptPin, heartbeatOf, inflightLength, pushQueued, setMaxMemory, writeFiller } from './inspect.ts';
import { encodeEntry } from './keys.ts';
import { record } from './ledger.ts';
import { take } from './queue.ts';
import { ledgerTotals } from './summary.ts';
import { NO_FROM, NO_TO } from '../time.ts';
import { renewHeartbeat } from './workers.ts';

/**
 * Redis at maxmemory (noeviction) refuses ordinary writes; a payment a processor
 * already holds must still reach the books, and the worker must keep working.
 */
let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis({ maxmemory: '2mb', offlineQueueLimit: 0 }));
});
after(() => redis.close().then(() => server.stop()));

/**
 * Writes filler until Redis answers OOM, then holds it there: Redis shrinks
 * client buffers on its own timer, which can bring it back under a limit it
 * only just reached, so the limit drops below what is now used.
 */
async function fill(): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await writeFiller(redis, String(i), 4096);
    } catch (err) {
      assert.match(String(err), /OOM/, 'filling stops only at maxmemory');
      await setMaxMemory(redis, 1);
      return;
    }
  }
}

test('the ledger records a processed payment, and the worker takes, pins and beats, while Redis is at maxmemory', async () => {
  const now = Date.now();
  const entries = [1, 2, 3].map((n) => encodeEntry(`id-${n}`, 1990, now));
  await pushQueued(redis, entries);
  await fill();
  await assert.rejects(writeFiller(redis, 'probe', 4096), /OOM/, 'Redis refuses ordinary writes now');

  const taken = await take(redis, 'w1', 3);
  assert.equal(taken.length, 3, 'the take script moves queued payments past maxmemory');
  await pinAttempt(redis, 'id-1', 'fallback');
  assert.equal(await attemptPin(redis, 'id-1'), 'fallback', 'the attempts pin is written past maxmemory');
  const beat = await renewHeartbeat(redis, 'w1', { pid: 1, inProgress: 0, atMs: now }, 5000, false);
  assert.equal(beat.renewed, true, 'the heartbeat is written past maxmemory');
  assert.deepEqual(await heartbeatOf(redis, 'w1'), { inProgress: 0, atMs: now }, 'the heartbeat is there');

  const fresh = await record(
    redis,
    'w1',
    taken.map((entry, i) => ({ payment: { id: `id-${i + 1}`, cents: 1990, acceptedAtMs: now, entry }, entry: { processor: 'default' as const, requestedAtMs: now + i, cents: 1990 } })),
  );
  assert.deepEqual(fresh, [true, true, true], 'every payment is recorded');
  assert.deepEqual(await ledgerTotals(redis, 'default', NO_FROM, NO_TO), { count: 3, cents: 5970 }, 'the totals have them');
  assert.deepEqual(await ledgerTotals(redis, 'default', now, now + 1), { count: 2, cents: 3980 }, 'the detail has them');
  assert.equal(await inflightLength(redis, 'w1'), 0, 'the in-flight list is released');
});
