import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '../http/node-http.ts';
import { Router } from '../http/router.ts';
import { RedisConnection } from '../redis/connection.ts';
import { parseRedisUrl } from '../redis/url.ts';
import { startApiProcess } from '../testing/api-process.ts';
import { startRedis } from '../testing/redis-server.ts';
import { acceptPayment } from './payments.ts';
import { warmUp } from './warm-up.ts';

/** A server whose POST /payments is the real handler, its journal a list. */
function paymentServer(): { server: ReturnType<typeof http.createServer>; lines: string[] } {
  const lines: string[] = [];
  const router = new Router().on('POST', '/payments', acceptPayment(null as unknown as RedisConnection, undefined, { append: (line) => lines.push(line) }));
  return { server: http.createServer(router.handle), lines };
}

test('warm-up posts every payment through the server, each a valid one answered 202, then closes it', async () => {
  const { server, lines } = paymentServer();
  await warmUp(server, 203);
  assert.equal(lines.length, 203);
  assert.equal(new Set(lines.map((line) => line.split(':')[0])).size, 203, 'each payment its own correlationId');
  assert.equal(server.listening, false);
});

test('warm-up rejects, naming the status, when a payment is answered other than 202', async () => {
  const server = http.createServer((_req, res) => res.writeHead(400, { 'Content-Length': 0 }).end());
  await assert.rejects(warmUp(server, 10), /answered 400, not 202/);
  assert.equal(server.listening, false);
});

test('warm-up gives up after its timeout when the server does not answer', async () => {
  const server = http.createServer(() => {});
  await assert.rejects(warmUp(server, 10, 200), /0 of \d+ payments answered/);
  assert.equal(server.listening, false);
});

test('the API stores none of its warm-up payments, in Redis or in its journal', async () => {
  const redisServer = await startRedis();
  const journalDir = mkdtempSync(join(tmpdir(), 'warm-up-journal-'));
  const env = { REDIS_URL: redisServer.url, LOG_LEVEL: 'CRITICAL', WARM_UP_PAYMENTS: '500' };
  const withRedis = await startApiProcess({ ...env, INSTANCE: 'redis-path' });
  const withJournal = await startApiProcess({ ...env, INSTANCE: 'journal-path', JOURNAL_DIR: journalDir });
  const redis = new RedisConnection({ address: parseRedisUrl(redisServer.url) });
  try {
    assert.equal(await withRedis.status('/ready'), 200);
    assert.equal(await withJournal.status('/ready'), 200);
    await redis.waitReady(5000);
    assert.equal(await redis.send(['DBSIZE']), 0, 'keys in Redis');
    const written = readdirSync(journalDir).reduce((bytes, file) => bytes + statSync(join(journalDir, file)).size, 0);
    assert.equal(written, 0, 'bytes in the journal');
  } finally {
    withRedis.child.kill('SIGKILL');
    withJournal.child.kill('SIGKILL');
    redis.disconnect();
    await redisServer.stop();
  }
});
