import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisConnection } from '../redis/connection.ts';
import { RedisError } from '../redis/errors.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { closedGate, interceptSend } from '../testing/worker-doubles.ts';
import { inflightLength, pushQueued, queueLength } from '../store/inspect.ts';
import { encodeEntry } from '../store/keys.ts';
import { loadScripts } from '../store/scripts.ts';
import type { WorkerContext } from './payment.ts';
import { Worker } from './worker.ts';

let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis());
  await loadScripts(redis); // as the worker does at start: its first take is then one EVALSHA
});
after(() => redis.close().then(() => server.stop()));

test('payments an uncertain take moved are started once Redis answers again, though it was still down at the first retry', async () => {
  const workerId = `w-${randomUUID()}`;
  const entries = [1, 2, 3].map(() => encodeEntry(randomUUID(), 1990, Date.now()));
  await pushQueued(redis, entries);
  // The worker's first take runs in Redis (the payments move to its in-flight list), but the
  // connection drops before the reply: UNCERTAIN. Then Redis refuses everything for 600 ms,
  // longer than the worker's 200 ms pause before it retries.
  let phase: 'cut' | 'down' | 'up' = 'cut';
  const connection = interceptSend(redis, async (args, send) => {
    if (phase === 'down') throw new RedisError('NOT_SENT', String(args[0]), 'not connected (test)');
    const reply = await send();
    if (phase === 'cut' && args[0] === 'EVALSHA') {
      phase = 'down';
      setTimeout(() => (phase = 'up'), 600);
      throw new RedisError('UNCERTAIN', 'EVALSHA', 'connection lost after sending (test); it may have run');
    }
    return reply;
  });
  const ctx = {
    redis: connection,
    config: { workerId, routingPolicy: 'default-only', maxRetries: 3, httpTimeoutMs: 1000, httpConnectionLimit: 10, batchSize: 5, lingerMs: 0, pollTimeoutSeconds: 0.2, orphanAfterMs: 0 },
    gates: { default: closedGate(), fallback: closedGate() },
    clients: { default: {}, fallback: {} },
    health: { get: () => undefined },
    purged: new Set<string>(),
  } as unknown as WorkerContext;
  const worker = new Worker(ctx, connection);
  const running = worker.run();

  try {
    await sleep(1500);
    assert.equal(await queueLength(redis), 0, 'the take ran: the queue is empty');
    assert.equal(await inflightLength(redis, workerId), 3, "the payments are in the worker's in-flight list");
    assert.equal(worker.inProgress, 3, 'and the worker has started every one of them');
  } finally {
    await worker.stop();
    await running;
  }
});
