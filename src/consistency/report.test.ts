import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter } from '../api/app.ts';
import { ProcessorClient } from '../processor/client.ts';
import type { Processor } from '../store/keys.ts';
import { loadApiConfig } from '../config.ts';
import { holdInFlight, inflightLength, oldestLedgered, removeLedgered } from '../store/inspect.ts';
import { freePort } from '../testing/redis-server.ts';
import { backendSummary, startStack, waitFor, type Stack } from '../testing/stack.ts';
import { formatReport } from './format.ts';
import { buildReport, type ReportOptions } from './report.ts';
import { consistencyRoute } from './route.ts';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.close();
});

function report(options: Partial<ReportOptions> = {}) {
  const processors = { default: stack.processors.default.url, fallback: stack.processors.fallback.url };
  return buildReport(stack.redis, { processors, adminToken: '123', deep: false, ...options });
}

async function drained(count: number): Promise<void> {
  await waitFor(`${count} payments in the ledger`, async () => {
    const s = await backendSummary(stack.api);
    return s.default.totalRequests + s.fallback.totalRequests >= count;
  }, 20_000);
  await waitFor('empty in-flight list', async () => (await inflightLength(stack.redis, 'w1')) === 0, 5000);
}

/** Pays a processor directly, as nothing in the backend would. */
async function payDirectly(processor: Processor, id: string, requestedAtMs: number): Promise<void> {
  const outcome = await new ProcessorClient(processor, stack.processors[processor].url, 'fetch').pay(id, 1990, requestedAtMs, 5000);
  assert.deepEqual(outcome, { kind: 'ok' }, `direct payment to ${processor}`);
}

/** One ledger entry of default: [id, cents, requestedAtMs]. */
function ledgered(): Promise<[string, number, number]> {
  return oldestLedgered(stack.redis, 'default');
}

/** A payment a worker holds, as a dead worker 'ghost' would have left it. */
function inFlightByHand(id: string, acceptedAtMs: number, attempted: 'default' | 'fallback'): Promise<void> {
  return holdInFlight(stack.redis, 'ghost', id, 1990, acceptedAtMs, attempted);
}

describe('consistency report', () => {
  test('a clean run, paid and drained, is reported consistent', async () => {
    stack.startWorker();
    await stack.pay(50);
    await drained(50);
    const r = await report();
    assert.equal(r.verdict.consistent, true, `problems: ${r.verdict.problems.join('; ')}`);
    assert.equal(r.books.accepted, 50);
    assert.deepEqual(r.books.processed.default, { count: 50, amount: 995 });
    assert.equal(r.sentNotProcessed.count, 0);
    assert.equal(r.sentNotProcessed.unaccounted, 0);
    assert.ok(r.processors.configured && r.processors.comparisons.length === 6, 'three windows for two processors');
    assert.ok(r.processors.comparisons.every((c) => c.difference?.count === 0 && c.difference.amount === 0), 'no window differs');
    assert.deepEqual(r.books.workers.map((w) => w.id), ['w1'], 'the live worker is listed');
  });

  test('a payment sent straight to a processor behind the backend is named and makes the verdict inconsistent', async () => {
    stack.startWorker();
    await stack.pay(10);
    await drained(10);
    await payDirectly('default', crypto.randomUUID(), Date.now() - 5000);
    const r = await report();
    assert.equal(r.verdict.consistent, false);
    assert.ok(r.processors.configured);
    const auditor = r.processors.comparisons.find((c) => c.window === 'auditor' && c.processor === 'default');
    assert.deepEqual(auditor?.difference, { count: 1, amount: 19.9 }, 'the auditor window counts one more at the processor');
    assert.ok(r.verdict.problems.some((p) => p.startsWith('default, auditor window') && p.includes('difference +1')), r.verdict.problems.join('\n'));
  });

  test('a ledger entry removed by hand is named as a window difference and as a lost payment', async () => {
    stack.startWorker();
    await stack.pay(20);
    await drained(20);
    const [id, cents, ms] = await ledgered();
    await removeLedgered(stack.redis, 'default', id, cents, ms);
    const r = await report();
    assert.equal(r.verdict.consistent, false);
    assert.equal(r.sentNotProcessed.unaccounted, 1);
    assert.ok(r.verdict.problems.some((p) => p.includes('neither queued, in flight nor in the ledger')), r.verdict.problems.join('\n'));
    assert.ok(r.verdict.problems.some((p) => p.startsWith('default, allTime window: processor 20 vs ledger 19')), r.verdict.problems.join('\n'));
  });

  test('payments stuck in flight while both processors fail are named with their age', async () => {
    await stack.processors.default.configure('failure', true);
    await stack.processors.fallback.configure('failure', true);
    stack.startWorker();
    const ids = await stack.pay(3);
    await sleep(1300);
    const r = await report({ stuckAfterMs: 1000 });
    assert.equal(r.verdict.consistent, false);
    assert.equal(r.sentNotProcessed.stuck.count, 3);
    assert.ok(r.sentNotProcessed.stuck.oldestAgeMs! >= 1000);
    assert.ok(r.verdict.problems.some((p) => /^3 payment\(s\) unprocessed for over 1\.0 s, the oldest for 1\.\d s$/.test(p)), r.verdict.problems.join('\n'));
    assert.deepEqual(r.sentNotProcessed.sample.map((s) => s.correlationId).sort(), [...ids].sort());
    assert.ok(r.sentNotProcessed.sample.every((s) => s.where === 'in-flight'));
  });

  test('payments waiting in the queue with no worker count as stuck by age, fresh ones not', async () => {
    await stack.pay(5);
    await sleep(1200);
    await stack.pay(3);
    const r = await report({ stuckAfterMs: 1000 });
    assert.equal(r.books.queued, 8);
    assert.equal(r.sentNotProcessed.stuck.count, 5, 'only the five older than the threshold');
    assert.equal(r.sentNotProcessed.sample[0]?.where, 'queue');
    assert.equal(r.sentNotProcessed.unaccounted, 0);
  });

  test('deep mode finds a payment held by both processors', async () => {
    stack.startWorker();
    await stack.pay(5);
    await drained(5);
    const [id, , ms] = await ledgered();
    await payDirectly('fallback', id, ms);
    const r = await report({ deep: true });
    assert.ok(r.deep && 'sampled' in r.deep, 'deep section present');
    assert.deepEqual(r.deep.onBoth.map((f) => f.correlationId), [id]);
    assert.equal(r.deep.checked, 5);
    assert.ok(r.verdict.problems.some((p) => p.startsWith('1 payment(s) on both processors') && p.includes(id)), r.verdict.problems.join('\n'));
  });

  test('a difference that a payment in flight to that processor explains is a note, not a problem', async () => {
    const id = crypto.randomUUID();
    await inFlightByHand(id, Date.now() - 6000, 'default');
    await payDirectly('default', id, Date.now() - 5000);
    const r = await report();
    assert.equal(r.verdict.consistent, true, r.verdict.problems.join('\n'));
    assert.ok(r.verdict.notes.some((n) => n.startsWith('default, auditor window') && n.includes('1 in flight to default may explain it')), r.verdict.notes.join('\n'));
  });

  test('deep mode no longer excuses a difference with in-flight payments found at no processor', async () => {
    await inFlightByHand(crypto.randomUUID(), Date.now() - 6000, 'default');
    await payDirectly('default', crypto.randomUUID(), Date.now() - 5000);
    assert.equal((await report()).verdict.consistent, true, 'without lookups the in-flight payment may explain it');
    const r = await report({ deep: true });
    assert.equal(r.verdict.consistent, false);
    assert.ok(r.verdict.problems.some((p) => p.startsWith('default, auditor window')), r.verdict.problems.join('\n'));
  });

  test('without the admin token the processors are not compared and the rest still works', async () => {
    stack.startWorker();
    await stack.pay(5);
    await drained(5);
    const r = await report({ adminToken: null });
    assert.equal(r.processors.configured, false);
    assert.ok(!r.processors.configured && r.processors.reason.includes('PROCESSOR_ADMIN_TOKEN'));
    assert.equal(r.books.processed.default.count, 5);
    assert.equal(r.verdict.consistent, true, r.verdict.problems.join('\n'));
  });

  test('an unreachable processor is reported as such and the report still answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await report({ processors: { default: closed, fallback: stack.processors.fallback.url } });
    assert.ok(r.processors.configured);
    assert.deepEqual(r.processors.unreachable.map((u) => u.processor), ['default']);
    assert.equal(r.processors.unreachable[0]?.error, 'ECONNREFUSED');
    assert.ok(r.verdict.problems.some((p) => p.startsWith('processor default unreachable')), r.verdict.problems.join('\n'));
    assert.equal(r.books.accepted, 0, 'the books are still read');
  });

  test('the formatted report carries every section and the verdict line', async () => {
    stack.startWorker();
    await stack.pay(5);
    await drained(5);
    const text = formatReport(await report({ deep: true }));
    for (const heading of ['Books', 'Sent but not processed: 0', 'Processors (difference = processor - ledger)', 'Deep check: 5 payments looked up']) {
      assert.ok(text.includes(`\n${heading}`), `missing "${heading}" in:\n${text}`);
    }
    assert.match(text, /\nVerdict: consistent: 5 accepted, 5 processed \(5 default, 0 fallback\)/);
  });

  test('GET /consistency-check?deep=1 answers 200 with the report as JSON', async () => {
    const config = loadApiConfig({
      REDIS_URL: stack.redisServer.url,
      DEFAULT_PROCESSOR_URL: stack.processors.default.url,
      FALLBACK_PROCESSOR_URL: stack.processors.fallback.url,
      PROCESSOR_ADMIN_TOKEN: '123',
      CONSISTENCY_TOKEN: 'report-test',
    });
    const router = createRouter(stack.redis, { instance: 't', extend: (r) => r.on('GET', '/consistency-check', consistencyRoute(stack.redis, config)) });
    const server = http.createServer(router.handle).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/consistency-check?deep=1`, { headers: { 'X-Consistency-Token': 'report-test' } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Awaited<ReturnType<typeof report>>;
      assert.equal(body.verdict.consistent, true, body.verdict.problems.join('\n'));
      assert.equal(body.processors.configured, true);
      assert.ok(body.deep && 'sampled' in body.deep, 'deep=1 enables deep mode');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
