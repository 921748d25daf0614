import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { flushAll, queueLength } from './inspect.ts';
import { DELETED, ingest, ingestedOffset, markDeleted } from './journal.ts';

let server: TestRedis;
let redis: RedisConnection;
before(async () => {
  ({ server, redis } = await connectTestRedis());
});
after(() => redis.close().then(() => server.stop()));
beforeEach(() => flushAll(redis));

const at = Date.now();

test('ingest counts what became of each line: queued, replayed, refused, malformed', async () => {
  const done = await ingest(redis, 's', 0, 60, [`a|100|${at}`, `a|100|${at}`, `a|200|${at}`, 'a|1']);
  assert.deepEqual(done, { queued: 1, replayed: 1, refused: 1, malformed: 1, purged: 0 });
  assert.equal(await ingestedOffset(redis, 's'), 60);
});

test('ingest from an offset that is not the stored one changes nothing', async () => {
  await ingest(redis, 's', 0, 20, [`a|100|${at}`]);
  assert.deepEqual(await ingest(redis, 's', 0, 40, [`b|100|${at}`]), { storedOffset: 20 }, 'a stale reader');
  assert.deepEqual(await ingest(redis, 's', 30, 40, [`b|100|${at}`]), { storedOffset: 20 }, 'a reader ahead of the books');
  assert.equal(await queueLength(redis), 1);
  assert.equal(await ingestedOffset(redis, 's'), 20);
});

test('a segment marked deleted takes no more lines, even from 0', async () => {
  await markDeleted(redis, 's');
  assert.equal(await ingestedOffset(redis, 's'), DELETED);
  assert.deepEqual(await ingest(redis, 's', 0, 20, [`a|100|${at}`]), { storedOffset: DELETED });
  assert.equal(await queueLength(redis), 0);
});
