import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnection } from './connection.ts';
import { isRedisError } from './errors.ts';
import { parseRedisUrl } from './url.ts';
import { Script } from './script.ts';
import { startRedis, type TestRedis } from '../testing/redis-server.ts';

let server: TestRedis;
const open: RedisConnection[] = [];

function connect(offlineQueueLimit?: number, commandTimeoutMs?: number): RedisConnection {
  const redis = new RedisConnection({ address: parseRedisUrl(server.url), offlineQueueLimit, maxBackoffMs: 100, commandTimeoutMs });
  open.push(redis);
  return redis;
}

before(async () => {
  server = await startRedis();
});
after(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server.stop();
});

describe('RedisConnection', () => {
  test('replies arrive in the order commands were sent, under a burst of 10,000 commands', async () => {
    const redis = connect();
    await redis.waitReady(2000);
    const replies = await Promise.all(Array.from({ length: 10_000 }, (_, i) => redis.send(['ECHO', `m${i}`])));
    replies.forEach((reply, i) => assert.equal(reply, `m${i}`, `reply ${i} out of order`));
  });

  test('an error reply rejects only its own command in a pipeline', async () => {
    const redis = connect();
    await redis.send(['SET', 'pipe:str', 'x']);
    // Issued in one turn, so written in one batch; each settles on its own.
    const results = await Promise.allSettled([redis.send(['INCR', 'pipe:n']), redis.send(['INCR', 'pipe:str']), redis.send(['GET', 'pipe:str'])]);
    assert.deepEqual(results[0], { status: 'fulfilled', value: 1 });
    assert.equal(results[1]!.status, 'rejected');
    const error = (results[1] as PromiseRejectedResult).reason;
    assert.ok(isRedisError(error, 'REPLY'), 'INCR on a string is an error reply');
    assert.match(error.message, /not an integer/);
    assert.deepEqual(results[2], { status: 'fulfilled', value: 'x' });
  });

  test('binary and multi-byte arguments round-trip unchanged', async () => {
    const redis = connect();
    await redis.send(['SET', 'bin', Buffer.from([0, 13, 10, 255])]);
    await redis.send(['SET', 'utf8', 'ação ✓']);
    assert.equal(await redis.send(['STRLEN', 'bin']), 4);
    assert.equal(await redis.send(['GET', 'utf8']), 'ação ✓');
  });

  test('a blocking pop on its own connection returns what another connection pushes', async () => {
    const blocking = connect();
    const redis = connect();
    await blocking.waitReady(2000);
    const popped = blocking.send(['BLMOVE', 'bq', 'bq:inflight', 'RIGHT', 'LEFT', 2]);
    await sleep(50);
    await redis.send(['LPUSH', 'bq', 'job-1']);
    assert.equal(await popped, 'job-1');
    assert.deepEqual(await redis.send(['LRANGE', 'bq:inflight', 0, -1]), ['job-1']);
  });

  test('a script runs through EVAL when the server does not have it cached (NOSCRIPT)', async () => {
    const redis = connect();
    await redis.send(['SCRIPT', 'FLUSH']);
    const script = new Script('add', 'return tonumber(ARGV[1]) + tonumber(ARGV[2])');
    assert.equal(await script.run(redis, [], [2, 3]), 5);
    assert.deepEqual(await redis.send(['SCRIPT', 'EXISTS', script.sha]), [1], 'EVAL cached the script');
    assert.equal(await script.run(redis, [], [4, 5]), 9);
  });

  test('commands in flight when the server dies are rejected as uncertain, not re-sent', async () => {
    const redis = connect();
    await redis.send(['DEL', 'uncertain']);
    const blocked = redis.send(['BLPOP', 'never', 5]);
    await sleep(50);
    const verdict = assert.rejects(blocked, (err) => isRedisError(err, 'UNCERTAIN'));
    await server.restart();
    await verdict;
  });

  test('the connection comes back by itself after the server restarts', async () => {
    const redis = connect();
    await redis.send(['SET', 'k', 'before']);
    await server.restart();
    await sleep(150);
    await redis.waitReady(3000);
    assert.equal(await redis.send(['SET', 'k', 'after']), 'OK');
    assert.equal(await redis.send(['GET', 'k']), 'after');
  });

  test('with no offline queue, a command while disconnected fails at once as not sent', async () => {
    const redis = connect(0);
    await redis.waitReady(2000);
    await server.stop();
    await sleep(50);
    await assert.rejects(redis.send(['PING']), (err) => isRedisError(err, 'NOT_SENT') && /not connected/.test(err.message));
    await server.restart();
    await redis.waitReady(3000);
  });

  test('commands issued while offline are sent after the reconnect', async () => {
    const redis = connect(10);
    await redis.waitReady(2000);
    await server.stop();
    await sleep(50);
    const queued = redis.send(['SET', 'offline', 'sent-later']);
    await server.restart();
    assert.equal(await queued, 'OK');
    assert.equal(await redis.send(['GET', 'offline']), 'sent-later');
  });
});

describe('RedisConnection deadlines (a frozen server)', () => {
  test('a command unanswered past its deadline is rejected as uncertain, and the connection recovers', { timeout: 10_000 }, async () => {
    const redis = connect(0, 300);
    await redis.waitReady(2000);
    server.pause();
    const started = Date.now();
    try {
      const results = await Promise.allSettled([redis.send(['SET', 'frozen', '1']), redis.send(['GET', 'frozen'])]);
      const elapsed = Date.now() - started;
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok(isRedisError((r as PromiseRejectedResult).reason, 'UNCERTAIN'), String((r as PromiseRejectedResult).reason));
        assert.match((r as PromiseRejectedResult).reason.message, /no reply to SET within 300 ms/);
      }
      assert.ok(elapsed < 1500, `rejected after ${elapsed} ms, deadline 300 ms`);
    } finally {
      server.resume();
    }
    await redis.waitReady(3000);
    assert.equal(await redis.send(['PING']), 'PONG');
  });

  test('a blocking command waits its own timeout plus the deadline, not the short deadline alone', async () => {
    const redis = connect(0, 200);
    await redis.waitReady(2000);
    await redis.send(['DEL', 'empty-list']);
    const started = Date.now();
    assert.equal(await redis.send(['BLPOP', 'empty-list', 0.6]), null, 'BLPOP timed out on the server and answered nil');
    assert.ok(Date.now() - started >= 550, 'the reply came from the server, after its timeout');
    assert.equal(await redis.send(['BLMOVE', 'empty-list', 'other', 'RIGHT', 'LEFT', '0.5']), null);
  });

  test('a command queued behind a blocking one is not dropped for waiting on it', async () => {
    const redis = connect(0, 200);
    await redis.waitReady(2000);
    const pop = redis.send(['BRPOP', 'empty-list-2', 0.5]);
    const ping = redis.send(['PING']);
    assert.deepEqual(await Promise.all([pop, ping]), [null, 'PONG']);
  });
});

describe('RedisConnection close and disconnect', () => {
  test('close() waits for the replies to commands already sent', { timeout: 10_000 }, async () => {
    const redis = connect();
    await redis.waitReady(2000);
    await redis.send(['DEL', 'close-list']);
    const pop = redis.send(['BLPOP', 'close-list', 0.3]);
    await sleep(20); // written
    await redis.close();
    assert.equal(await pop, null, 'the BLPOP got its own reply before the connection closed');
  });

  test('close() sends what was issued just before it, and answers it', { timeout: 10_000 }, async () => {
    const redis = connect();
    await redis.waitReady(2000);
    const set = redis.send(['SET', 'closing', 'yes']);
    await redis.close();
    assert.equal(await set, 'OK');
  });

  test('disconnect() rejects commands still waiting to be sent instead of leaving them pending', async () => {
    const redis = new RedisConnection({ address: { kind: 'tcp', host: '127.0.0.1', port: 1, db: 0 }, maxBackoffMs: 100 });
    const queued = redis.send(['PING']);
    redis.disconnect();
    const outcome = await Promise.race([queued.then(() => 'resolved', (err) => (isRedisError(err, 'NOT_SENT') ? 'not sent' : String(err))), sleep(1000, 'still pending')]);
    assert.equal(outcome, 'not sent');
  });

  test('disconnect() rejects commands in flight as uncertain', async () => {
    const redis = connect();
    await redis.waitReady(2000);
    const pop = redis.send(['BLPOP', 'disconnect-list', 5]);
    await sleep(20);
    redis.disconnect();
    await assert.rejects(pop, (err) => isRedisError(err, 'UNCERTAIN'));
  });
});

describe('parseRedisUrl', () => {
  test('reads host, port and database from redis://', () => {
    assert.deepEqual(parseRedisUrl('redis://cache:6380/2'), { kind: 'tcp', host: 'cache', port: 6380, db: 2 });
  });
  test('reads a socket path from unix://', () => {
    assert.deepEqual(parseRedisUrl('unix:///run/redis.sock'), { kind: 'unix', path: '/run/redis.sock', db: 0 });
  });
  test('names the variable and the expected form when the URL is wrong', () => {
    assert.throws(() => parseRedisUrl('localhost:6379'), /REDIS_URL: expected redis:\/\/host:port\/db or unix:\/\/\/path\?db=N, got "localhost:6379"/);
  });
});
