import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { RedisConnection } from '../redis/connection.ts';
import { parseRedisUrl } from '../redis/url.ts';
import { startRedis, type TestRedis } from '../testing/redis-server.ts';
import { HealthMonitor, type HealthReport } from './health.ts';
import { ProcessorClient } from '../processor/client.ts';

/** Two processors that count their health calls; three monitors share one Redis. */
let redis: TestRedis;
let servers: http.Server[] = [];
const calls = { default: 0, fallback: 0 };

async function processor(name: 'default' | 'fallback', failing: boolean): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.url === '/payments/service-health') calls[name]++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ failing, minResponseTime: 7 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  redis = await startRedis();
});
after(async () => {
  servers.forEach((s) => s.close());
  await redis.stop();
});

test('three workers together call each processor at most once per 5 s, and all see the answer', async () => {
  const urls = { default: await processor('default', true), fallback: await processor('fallback', false) };
  const seen: HealthReport[][] = [[], [], []];
  const connections = [0, 1, 2].map(() => new RedisConnection({ address: parseRedisUrl(redis.url) }));
  const clients = { default: new ProcessorClient('default', urls.default), fallback: new ProcessorClient('fallback', urls.fallback) };
  const monitors = connections.map((c, i) => new HealthMonitor(c, clients, `w${i}`, (p, report) => p === 'default' && seen[i]!.push(report)));
  monitors.forEach((m) => m.start());
  await sleep(6_000);
  monitors.forEach((m) => m.stop());
  await Promise.all(connections.map((c) => c.close()));
  Object.values(clients).forEach((c) => c.close());
  // 6 s: one call at the start and one after the 5.1 s lease, whoever makes it.
  assert.ok(calls.default >= 1 && calls.default <= 2, `default called ${calls.default} times`);
  assert.ok(calls.fallback >= 1 && calls.fallback <= 2, `fallback called ${calls.fallback} times`);
  for (const [i, reports] of seen.entries()) {
    assert.ok(reports.length >= 1, `worker ${i} saw the shared report`);
    assert.equal(reports[0]!.failing, true);
    assert.equal(reports[0]!.minResponseTime, 7);
  }
});
