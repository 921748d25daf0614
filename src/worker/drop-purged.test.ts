import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { closedGate, interceptSend } from '../testing/worker-doubles.ts';
import { pushQueued } from '../store/inspect.ts';
import { encodeEntry } from '../store/keys.ts';
import { take } from '../store/queue.ts';
import type { WorkerContext } from './payment.ts';
import { Worker } from './worker.ts';

let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis());
});
after(() => redis.close().then(() => server.stop()));

test('a payment taken while the purge check reads the in-flight list is not mistaken for a purged one', async () => {
  const workerId = `w-${randomUUID()}`;
  const purged = new Set<string>();
  const late = encodeEntry(randomUUID(), 1990, Date.now());
  let worker!: Worker;
  let racing = false;
  // The read of the in-flight list answers what it held when it ran; before its reply is
  // handled, another take lands a payment there and the worker starts it (as a reply read
  // first on the blocking connection would).
  const connection = interceptSend(redis, async (_args, send) => {
    const reply = await send();
    if (racing) {
      racing = false;
      await pushQueued(redis, [late]);
      assert.deepEqual(await take(redis, workerId, 1), [late]);
      await worker.recover();
    }
    return reply;
  });
  const ctx = {
    redis: connection,
    config: { workerId, routingPolicy: 'default-only', maxRetries: 3, httpTimeoutMs: 1000 },
    gates: { default: closedGate(), fallback: closedGate() },
    clients: { default: {}, fallback: {} },
    health: { get: () => undefined },
    purged,
  } as unknown as WorkerContext;
  worker = new Worker(ctx, redis);
  assert.equal(worker.inProgress, 0);

  racing = true;
  await worker.dropPurged();
  assert.equal(worker.inProgress, 1, 'the late payment is in progress');
  assert.equal(purged.has(late), false, 'and not marked purged: it is in the in-flight list');
});
