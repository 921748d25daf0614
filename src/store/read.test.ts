import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { flushAll, pushInflight, pushQueued } from './inspect.ts';
import { inflightOwners } from './inflight.ts';
import { keys } from './keys.ts';
import { scanKeys } from './scan.ts';
import { transaction } from './transaction.ts';

/** The store's two read helpers: the bounded SCAN and the MULTI/EXEC read by name. */
let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis({ offlineQueueLimit: 0 }));
});
after(() => redis.close().then(() => server.stop()));

test('scanKeys finds every key matching the pattern, sorted and once each', async () => {
  await flushAll(redis);
  for (const w of ['w3', 'w1', 'w2']) await pushInflight(redis, w, ['x|1|1']);
  await pushQueued(redis, ['y|1|1']);
  assert.deepEqual(await scanKeys(redis, keys.inflightPattern), [keys.inflight('w1'), keys.inflight('w2'), keys.inflight('w3')]);
  assert.deepEqual(await scanKeys(redis, null), [keys.inflight('w1'), keys.inflight('w2'), keys.inflight('w3'), keys.queue].sort(), 'no pattern: every key');
  assert.deepEqual(await inflightOwners(redis), ['w1', 'w2', 'w3'], 'the owners of in-flight lists');
});

test('a transaction answers each command by its name, whatever the order given', async () => {
  await flushAll(redis);
  await pushQueued(redis, ['a|1|1', 'b|2|2']);
  const replies = await transaction(redis, { head: ['LRANGE', keys.queue, -1, -1], length: ['LLEN', keys.queue], missing: ['GET', 'no-such-key'] });
  assert.deepEqual(replies, { head: ['a|1|1'], length: 2, missing: null });
});

test('a transaction with a failing command rejects instead of answering part of it', async () => {
  await assert.rejects(transaction(redis, { length: ['LLEN', keys.queue], bad: ['NOT-A-COMMAND'] }), /NOT-A-COMMAND|unknown command/i);
});
