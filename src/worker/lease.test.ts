import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadWorkerConfig } from '../config.ts';
import { LedgerWriter } from '../ledger/writer.ts';
import { log } from '../log.ts';
import { ProcessorClient } from '../processor/client.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { expireHeartbeat, flushAll, heartbeatOf, heartbeatTtlMs, inflightLength, ledgeredCount, pushInflight } from '../store/inspect.ts';
import { decodeEntry, encodeEntry, type QueuedPayment } from '../store/keys.ts';
import { record } from '../store/ledger.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { Gate } from './gate.ts';
import { HealthMonitor } from './health.ts';
import { Lease, LeaseLost } from './lease.ts';
import { processPayment, type WorkerContext } from './payment.ts';

/**
 * The lease: a worker calls processors only while its heartbeat lives, and
 * another worker takes its in-flight list only once the heartbeat is gone, so a
 * payment is never in the hands of two workers. Against a real redis-server; the
 * lease's clock is moved by hand where a test needs time to pass.
 */
const ORPHAN_AFTER_MS = 2_000;

let redisServer: TestRedis;
let redis: RedisConnection;
let clock = 0;

before(async () => {
  ({ server: redisServer, redis } = await connectTestRedis());
  log.configure('CRITICAL', 'test');
});
after(() => redis.close().then(() => redisServer.stop()));
beforeEach(async () => {
  await flushAll(redis);
  clock = 1_000_000;
});

/** A worker's lease on the moved-by-hand clock; `lost` collects what onLost was told. */
function leaseOf(workerId: string, orphanAfterMs = ORPHAN_AFTER_MS): { lease: Lease; lost: string[] } {
  const lost: string[] = [];
  const lease = new Lease({ redis, workerId, orphanAfterMs, onLost: (reason) => lost.push(reason), now: () => clock });
  return { lease, lost };
}

/** Payments put in a worker's in-flight list, as take() leaves them; oldest first. */
async function holding(workerId: string, count: number): Promise<QueuedPayment[]> {
  const entries = Array.from({ length: count }, () => encodeEntry(randomUUID(), 1990, Date.now()));
  await pushInflight(redis, workerId, entries);
  return entries.map((entry) => decodeEntry(entry)!);
}

/** Adopts for `lease`, returning what each adopted list handed over. */
async function adopt(lease: Lease): Promise<string[][]> {
  const handed: string[][] = [];
  await lease.adoptOrphans(async (entries) => void handed.push(entries));
  return handed;
}

describe('holding the lease', () => {
  test('the first renewal writes the heartbeat with the payments in progress, to live ORPHAN_AFTER', async () => {
    const { lease } = leaseOf('wa');
    await lease.renew(3);
    assert.deepEqual(await heartbeatOf(redis, 'wa'), { inProgress: 3, atMs: clock }, 'the heartbeat says how the worker is doing');
    const ttl = await heartbeatTtlMs(redis, 'wa');
    assert.ok(ttl > ORPHAN_AFTER_MS - 500 && ttl <= ORPHAN_AFTER_MS, `the heartbeat lives ORPHAN_AFTER, not ${ttl} ms`);
  });

  test('a heartbeat renewed within half of ORPHAN_AFTER keeps the lease', async () => {
    const { lease, lost } = leaseOf('wa');
    for (let i = 0; i < 5; i++) {
      await lease.renew(0);
      clock += ORPHAN_AFTER_MS / 2;
      lease.check();
    }
    assert.deepEqual(lost, [], 'the lease was never lost');
  });

  test('a renewal that finds the heartbeat expired does not write it back (SET XX) and reports the lease lost, once', async () => {
    const { lease, lost } = leaseOf('wa');
    await lease.renew(0);
    await expireHeartbeat(redis, 'wa');
    await assert.rejects(lease.renew(0), LeaseLost, 'the renewal noticed');
    assert.equal(await heartbeatOf(redis, 'wa'), null, 'the expired heartbeat was not written back');
    assert.throws(() => lease.check(), LeaseLost, 'no processor call after that');
    assert.deepEqual(lost, ['heartbeat expired in Redis'], 'onLost was told once, with why');
  });

  test('a lease not renewed for half of ORPHAN_AFTER is lost, and a later renewal does not revive it', async () => {
    const { lease, lost } = leaseOf('wa');
    await lease.renew(0);
    const beat = await heartbeatOf(redis, 'wa');
    clock += ORPHAN_AFTER_MS / 2 + 1;
    assert.throws(() => lease.check(), LeaseLost, 'a paused worker finds its lease gone before calling a processor');
    await assert.rejects(lease.renew(0), LeaseLost, 'the heartbeat timer firing after the pause does not renew it');
    assert.deepEqual(await heartbeatOf(redis, 'wa'), beat, 'the heartbeat was not written again');
    assert.deepEqual(lost, ['heartbeat not renewed for 1 s']);
  });

  test('with ORPHAN_AFTER=0 nothing is adopted, so there is no lease to lose', async () => {
    const { lease, lost } = leaseOf('wa', 0);
    await lease.renew(0);
    clock += 3_600_000;
    lease.check();
    assert.equal(lease.ttlMs, 5_000, 'the heartbeat still lives 5 s, for the consistency report');
    assert.deepEqual(lost, []);
  });
});

describe('taking over a lapsed lease', () => {
  test('the in-flight list of a worker whose heartbeat lives is never adopted', async () => {
    const { lease: a } = leaseOf('wa');
    const { lease: b } = leaseOf('wb');
    await a.renew(2);
    await holding('wa', 2);
    assert.deepEqual(await adopt(b), [], 'nothing was handed over');
    assert.equal(await inflightLength(redis, 'wa'), 2, 'the live worker keeps its payments');
  });

  test('an orphaned in-flight list is adopted whole and in order, once', async () => {
    const { lease: b } = leaseOf('wb');
    const held = await holding('wa', 3);
    assert.deepEqual(await adopt(b), [held.map((p) => p.entry)], 'every entry, oldest first');
    assert.equal(await inflightLength(redis, 'wa'), 0, 'the orphaned list is empty');
    assert.equal(await inflightLength(redis, 'wb'), 3, 'the adopter holds them in its own list');
    assert.deepEqual(await adopt(b), [], 'a second adoption finds nothing');
  });

  test('a worker never adopts its own list', async () => {
    const { lease: a } = leaseOf('wa');
    await holding('wa', 1);
    assert.deepEqual(await adopt(a), []);
    assert.equal(await inflightLength(redis, 'wa'), 1);
  });

  test('an adopted payment is not recorded by the worker that lost it, and once by the one that adopted it', async () => {
    const { lease: b } = leaseOf('wb');
    const [payment] = await holding('wa', 1);
    await adopt(b);
    const paid = { payment: payment!, entry: { processor: 'default' as const, requestedAtMs: Date.now(), cents: 1990 } };
    assert.deepEqual(await record(redis, 'wa', [paid]), [false], 'the worker that lost it cannot put it in the books');
    assert.equal(await ledgeredCount(redis, 'default'), 0);
    assert.deepEqual(await record(redis, 'wb', [paid]), [true], 'the adopter records it');
    assert.deepEqual(await record(redis, 'wb', [paid]), [false], 'and only once');
    assert.equal(await ledgeredCount(redis, 'default'), 1);
  });
});

describe('a worker that lost its lease', () => {
  /** A processor that counts what it is asked. */
  interface Counting {
    url: string;
    posts: number;
    lookups: number;
    close(): void;
  }
  let processor: Counting;
  const open: { close(): void }[] = [];

  beforeEach(async () => {
    const rows = new Set<string>();
    const counting = { posts: 0, lookups: 0 } as Counting;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method === 'POST') {
          counting.posts++;
          rows.add((JSON.parse(body) as { correlationId: string }).correlationId);
          return res.writeHead(200).end('{}');
        }
        counting.lookups++;
        const id = req.url!.slice('/payments/'.length);
        if (!rows.has(id)) return res.writeHead(404).end('{}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ correlationId: id, amount: 19.9, requestedAt: new Date().toISOString() }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    counting.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    counting.close = () => server.close();
    processor = counting;
    open.push(counting);
  });
  afterEach(() => open.splice(0).forEach((o) => o.close()));

  function context(workerId: string, lease: Lease): WorkerContext {
    const config = loadWorkerConfig({ DEFAULT_PROCESSOR_URL: processor.url, FALLBACK_PROCESSOR_URL: processor.url, INSTANCE: workerId, BACKOFF_BASE: '0.05', BACKOFF_MAX: '0.4', HTTP_TIMEOUT: '1' });
    const clients = { default: new ProcessorClient('default', processor.url), fallback: new ProcessorClient('fallback', processor.url) };
    const gates = { default: new Gate(10, config.backoffBaseMs, config.backoffMaxMs), fallback: new Gate(10, config.backoffBaseMs, config.backoffMaxMs) };
    open.push(...Object.values(clients), { close: () => Object.values(gates).forEach((g) => g.close()) });
    const health = new HealthMonitor(redis, clients, workerId, () => {});
    return { redis, config, gates, clients, ledger: new LedgerWriter(redis, workerId), health, purged: new Set(), assertLease: () => lease.check() };
  }

  test('a worker whose lease was taken over stops before sending again, and the adopter pays the payment once', { timeout: 10_000 }, async () => {
    const a = leaseOf('wa');
    const b = leaseOf('wb');
    await a.lease.renew(1);
    const [payment] = await holding('wa', 1);
    await expireHeartbeat(redis, 'wa'); // as if worker wa had been silent for ORPHAN_AFTER
    await b.lease.renew(0);
    const [adopted] = await adopt(b.lease);
    await assert.rejects(a.lease.renew(1), LeaseLost, 'the next renewal of wa finds its lease gone');

    await processPayment(context('wa', a.lease), payment!, null);
    assert.equal(processor.posts + processor.lookups, 0, 'the worker that lost the lease called no processor');

    await processPayment(context('wb', b.lease), decodeEntry(adopted![0]!)!, 'default');
    assert.equal(processor.posts, 1, 'the adopter sent it once');
    assert.equal(await ledgeredCount(redis, 'default'), 1, 'and recorded it once');
    assert.equal(await inflightLength(redis, 'wb'), 0, 'released from the adopter\'s list');
  });

  test('a worker paused past half of ORPHAN_AFTER makes no processor call when it wakes, before its heartbeat timer runs', { timeout: 10_000 }, async () => {
    const a = leaseOf('wa');
    await a.lease.renew(1);
    const [payment] = await holding('wa', 1);
    clock += ORPHAN_AFTER_MS / 2 + 1;
    await processPayment(context('wa', a.lease), payment!, null);
    assert.equal(processor.posts + processor.lookups, 0, 'no processor was called');
    assert.deepEqual(a.lost, ['heartbeat not renewed for 1 s'], 'the lease is reported lost');
    assert.equal(await inflightLength(redis, 'wa'), 1, 'the payment stays in the list, for whoever adopts it');
  });
});
