import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiProcess } from '../testing/api-process.ts';
import { startRedis, type TestRedis } from '../testing/redis-server.ts';

/**
 * Redis frozen (SIGSTOP: its sockets stay open, nothing answers), against the
 * real API process with its default settings: a request must get a JSON 503
 * within ~1 s, not hang until the load balancer gives up, and a stall under load
 * must not pile up requests in the API's small heap.
 */
let redis: TestRedis;
let api: ChildProcess;
let url: string;

before(async () => {
  redis = await startRedis();
  ({ url, child: api } = await startApiProcess({ REDIS_URL: redis.url, INSTANCE: 'frozen', REDIS_COMMAND_TIMEOUT: '', LOG_LEVEL: 'CRITICAL' }, ['--max-old-space-size=40']));
});
after(async () => {
  redis.resume();
  if (api.exitCode === null) api.kill('SIGKILL');
  await redis.stop();
});

function post(timeoutMs = 10_000): Promise<{ status: number; type: string | null; body: string; ms: number }> {
  const started = Date.now();
  return fetch(`${url}/payments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ correlationId: randomUUID(), amount: 19.9 }),
    signal: AbortSignal.timeout(timeoutMs),
  }).then(
    async (res) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.text(), ms: Date.now() - started }),
    () => ({ status: 0, type: null, body: 'no answer', ms: Date.now() - started }),
  );
}

function rssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

test('POST /payments and /ready answer a JSON 503 within 1.5 s while Redis is frozen', { timeout: 30_000 }, async () => {
  assert.equal((await post()).status, 202, 'accepted before the freeze');
  redis.pause();
  try {
    const [payment, ready] = await Promise.all([
      post(),
      (async () => {
        const started = Date.now();
        const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
        return { status: res?.status ?? 0, ms: Date.now() - started, body: res ? await res.text() : '' };
      })(),
    ]);
    assert.equal(payment.status, 503, `payment: ${payment.body}`);
    assert.match(payment.type ?? '', /application\/json/);
    assert.match(String(JSON.parse(payment.body).error), /outcome unknown, retry with the same correlationId/);
    assert.ok(payment.ms < 1500, `payment answered after ${payment.ms} ms`);
    assert.equal(ready.status, 503, `ready: ${ready.body}`);
    assert.ok(ready.ms < 1500, `ready answered after ${ready.ms} ms`);
  } finally {
    redis.resume();
  }
  let after = await post();
  for (let i = 0; i < 30 && after.status !== 202; i++) {
    await sleep(100);
    after = await post();
  }
  assert.equal(after.status, 202, 'accepted again once Redis answers');
});

test('a 15 s stall under steady load answers every request and keeps the API memory flat', { timeout: 60_000 }, async () => {
  const STALL_MS = 15_000;
  const PER_TICK = 4; // every 50 ms: 80 requests a second, each with its own connection
  const results: Promise<{ status: number; ms: number }>[] = [];
  const rss: number[] = [];
  redis.pause();
  const started = Date.now();
  try {
    while (Date.now() - started < STALL_MS) {
      for (let i = 0; i < PER_TICK; i++) results.push(post(5_000));
      if (rss.length < Math.floor((Date.now() - started) / 1000)) rss.push(rssMB(api.pid!));
      await sleep(50);
    }
    const answers = await Promise.all(results);
    const unanswered = answers.filter((a) => a.status === 0).length;
    const slow = answers.filter((a) => a.ms > 2500).length;
    assert.equal(unanswered, 0, `${unanswered} of ${answers.length} requests got no answer within 5 s`);
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [503], 'every request answered 503');
    assert.ok(slow < answers.length / 100, `${slow} of ${answers.length} answers took over 2.5 s`);
    // Past the first seconds (the heap settles), RSS must not keep growing with the stall.
    const early = Math.max(...rss.slice(2, 5));
    const late = Math.max(...rss.slice(-4));
    assert.ok(late - early < 15, `API RSS grew from ${early.toFixed(1)} MB to ${late.toFixed(1)} MB during the stall (${rss.map((r) => r.toFixed(0)).join(' ')})`);
  } finally {
    redis.resume();
  }
});
