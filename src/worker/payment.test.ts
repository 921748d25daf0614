import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadWorkerConfig } from '../config.ts';
import { LedgerWriter } from '../ledger/writer.ts';
import { log } from '../log.ts';
import { ProcessorClient } from '../processor/client.ts';
import type { RedisConnection } from '../redis/connection.ts';
import type { RedisArg } from '../redis/encode.ts';
import { RedisError } from '../redis/errors.ts';
import { attemptPin, flushAll, inflightLength, ledgeredCount, pushInflight } from '../store/inspect.ts';
import { decodeEntry, encodeEntry, keys, type Processor } from '../store/keys.ts';
import { loadScripts } from '../store/scripts.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { Gate } from './gate.ts';
import { HealthMonitor } from './health.ts';
import { processPayment, type WorkerContext } from './payment.ts';

/**
 * processPayment against processors that misbehave in ways the official one
 * does not, but a processor behind a gateway, or a buggy one, can.
 */
interface FakeProcessor {
  url: string;
  posts: number;
  lookups: number;
  rows: Map<string, { amount: number; requestedAt: string }>;
  /** What the attempts hash said for the payment when each POST arrived. */
  pinsSeen: (string | null)[];
  close(): void;
}

async function fakeProcessor(behaviour: 'insert-then-500' | '422-then-404' | '500-once' | 'always-500' | 'normal'): Promise<FakeProcessor> {
  const fake = { posts: 0, lookups: 0, rows: new Map<string, { amount: number; requestedAt: string }>(), pinsSeen: [] } as unknown as FakeProcessor;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      if (req.method === 'POST') {
        fake.posts++;
        const p = JSON.parse(body) as { correlationId: string; amount: number; requestedAt: string };
        fake.pinsSeen.push(await attemptPin(redis, p.correlationId));
        if (behaviour === '422-then-404') return res.writeHead(422).end('{}');
        if (behaviour === 'always-500' || (behaviour === '500-once' && fake.posts === 1)) return res.writeHead(500).end('{}');
        fake.rows.set(p.correlationId, { amount: p.amount, requestedAt: p.requestedAt });
        return res.writeHead(behaviour === 'insert-then-500' ? 500 : 200).end('{}');
      }
      fake.lookups++;
      const row = behaviour === '422-then-404' ? undefined : fake.rows.get(req.url!.slice('/payments/'.length));
      if (!row) return res.writeHead(404).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ correlationId: req.url!.slice(10), ...row }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => server.close();
  return fake;
}

let redisServer: TestRedis;
let redis: RedisConnection;
before(async () => {
  ({ server: redisServer, redis } = await connectTestRedis());
  await loadScripts(redis);
  log.configure('CRITICAL', 'test');
});
after(() => redis.close().then(() => redisServer.stop()));
beforeEach(async () => {
  await flushAll(redis);
});

/** Closed after each test, whatever it asserted. */
const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((o) => o.close()));

function context(processors: Record<Processor, FakeProcessor>, env: Record<string, string>): WorkerContext {
  const config = loadWorkerConfig({ DEFAULT_PROCESSOR_URL: processors.default.url, FALLBACK_PROCESSOR_URL: processors.fallback.url, INSTANCE: 'w1', BACKOFF_BASE: '0.05', BACKOFF_MAX: '0.4', HTTP_TIMEOUT: '1', ...env });
  const clients = { default: new ProcessorClient('default', processors.default.url), fallback: new ProcessorClient('fallback', processors.fallback.url) };
  const gate = () => new Gate(10, config.backoffBaseMs, config.backoffMaxMs);
  const gates = { default: gate(), fallback: gate() };
  open.push(...Object.values(processors), ...Object.values(clients), { close: () => Object.values(gates).forEach((g) => g.close()) });
  return { redis, config, gates, clients, ledger: new LedgerWriter(redis, 'w1'), health: new HealthMonitor(redis, clients, 'w1', () => {}), purged: new Set() };
}

/** A payment as the worker holds it: in its in-flight list. */
async function inFlight(): Promise<NonNullable<ReturnType<typeof decodeEntry>>> {
  const entry = encodeEntry(randomUUID(), 1990, Date.now());
  await pushInflight(redis, 'w1', [entry]);
  return decodeEntry(entry)!;
}

describe('a processor that misbehaves', () => {
  test('a payment inserted by a processor that then answered 500 is recorded there and never sent to the other one', async () => {
    const processors = { default: await fakeProcessor('insert-then-500'), fallback: await fakeProcessor('normal') };
    const ctx = context(processors, { ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    const payment = await inFlight();
    await processPayment(ctx, payment, null);
    assert.equal(processors.fallback.posts, 0, 'the payment was also sent to fallback: paid twice');
    assert.ok(processors.default.lookups >= 1, 'default was asked before the payment moved');
    assert.equal(await ledgeredCount(redis, 'default'), 1, 'the ledger has it on default');
    assert.equal(await inflightLength(redis, 'w1'), 0, 'released from the in-flight list');
  });

  test('after a pin write whose outcome is unknown, the payment is pinned again before it goes anywhere', async () => {
    const processors = { default: await fakeProcessor('500-once'), fallback: await fakeProcessor('always-500') };
    const ctx = context(processors, { ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    // The first write of the "fallback" pin lands in Redis, but its reply is lost.
    let tripped = false;
    ctx.redis = new Proxy(redis, {
      get(target, prop) {
        if (prop !== 'send') return Reflect.get(target, prop);
        return async (args: readonly RedisArg[]) => {
          const reply = await target.send(args);
          if (!tripped && args.includes(keys.attempts) && args.includes('fallback')) {
            tripped = true;
            throw new RedisError('UNCERTAIN', String(args[0]), 'connection lost after sending');
          }
          return reply;
        };
      },
    });
    const payment = await inFlight();
    await processPayment(ctx, payment, null);
    assert.ok(tripped, 'the scenario reached the pin write');
    assert.equal(processors.fallback.posts, 0, 'the uncertain pin write was followed by a call to fallback');
    assert.deepEqual(processors.default.pinsSeen, [null, 'default'], 'default was called while the attempts hash said fallback: a restart would settle it there');
    assert.equal(await ledgeredCount(redis, 'default'), 1);
  });

  test('a processor that answers 422 and then 404 for the same payment is retried with backoff, not in a tight loop', async () => {
    const processors = { default: await fakeProcessor('422-then-404'), fallback: await fakeProcessor('normal') };
    const ctx = context(processors, {});
    const payment = await inFlight();
    const run = processPayment(ctx, payment, null);
    await sleep(2000);
    ctx.gates.default.close();
    await run;
    const posts = processors.default.posts;
    // 2 s with pauses of 50, 100, 200, 400, 400... ms: about 8 rounds, each one POST.
    assert.ok(posts <= 12, `${posts} POSTs in 2 s`);
    assert.ok(posts >= 3, `${posts} POSTs in 2 s: it should keep trying`);
    assert.equal(processors.fallback.posts, 0);
  });
});
