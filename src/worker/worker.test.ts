import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { backendSummary, startStack, waitFor, type Stack } from '../testing/stack.ts';
import { inflightLength, queueLength, recordedCount } from '../store/inspect.ts';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.close();
});

/** Waits until the backend's books hold `count` payments and the queue is empty. */
async function drained(count: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    `${count} payments in the ledger`,
    async () => {
      const s = await backendSummary(stack.api);
      return s.default.totalRequests + s.fallback.totalRequests >= count;
    },
    timeoutMs,
  );
  await waitFor('empty queue and in-flight list', async () => (await queueLength(stack.redis)) === 0 && (await inflightLength(stack.redis, 'w1')) === 0, 5000);
}

/** The backend's summary equals both processors' own books, counts and amounts. */
async function assertBooksAgree(expected: number): Promise<void> {
  const ours = await backendSummary(stack.api);
  const d = await stack.processors.default.summary();
  const f = await stack.processors.fallback.summary();
  assert.equal(ours.default.totalRequests, d.totalRequests, 'default count differs from the processor');
  assert.equal(ours.default.totalAmount, d.totalAmount, 'default amount differs from the processor');
  assert.equal(ours.fallback.totalRequests, f.totalRequests, 'fallback count differs from the processor');
  assert.equal(ours.fallback.totalAmount, f.totalAmount, 'fallback amount differs from the processor');
  assert.equal(d.totalRequests + f.totalRequests, expected, 'payments lost or duplicated');
}

/** No payment is held by both processors. */
async function assertNoneOnBoth(ids: string[]): Promise<void> {
  for (const id of ids) {
    const [d, f] = await Promise.all([stack.processors.default.payment(id), stack.processors.fallback.payment(id)]);
    assert.ok(d !== null || f !== null, `payment ${id} was lost`);
    assert.ok(d === null || f === null, `payment ${id} was paid twice`);
  }
}

describe('worker', () => {
  test('every accepted payment is forwarded once, to default, and ledgered', async () => {
    stack.startWorker();
    await stack.pay(500);
    await drained(500);
    await assertBooksAgree(500);
    assert.equal((await backendSummary(stack.api)).fallback.totalRequests, 0, 'default-only never pays fallback');
  });

  test('while default fails, payments wait; when it recovers they land on default', async () => {
    await stack.processors.default.configure('failure', true);
    stack.startWorker();
    await stack.pay(200);
    await sleep(1500);
    assert.equal((await stack.processors.default.summary()).totalRequests, 0);
    assert.equal(await recordedCount(stack.redis), 0, 'nothing ledgered while failing');
    await stack.processors.default.configure('failure', false);
    await drained(200);
    await assertBooksAgree(200);
    assert.equal((await stack.processors.fallback.summary()).totalRequests, 0);
  });

  test('both processors failing for 10 s lose nothing: every payment lands once after recovery', async () => {
    await stack.processors.default.configure('failure', true);
    await stack.processors.fallback.configure('failure', true);
    stack.startWorker({ ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '2' });
    const ids: string[] = [];
    for (let second = 0; second < 10; second++) {
      ids.push(...(await stack.pay(30)));
      await sleep(1000);
    }
    assert.equal((await stack.processors.default.summary()).totalRequests + (await stack.processors.fallback.summary()).totalRequests, 0);
    await stack.processors.default.configure('failure', false);
    await stack.processors.fallback.configure('failure', false);
    await drained(300);
    await assertBooksAgree(300);
    await assertNoneOnBoth(ids);
  });

  test('a processor slower than the worker timeout still ends with the ledger equal to its rows', async () => {
    await stack.processors.default.configure('delay', 700);
    stack.startWorker({ HTTP_TIMEOUT: '0.25', ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    const ids = await stack.pay(100);
    await sleep(2000);
    await stack.processors.default.configure('delay', 0);
    await drained(100);
    await assertBooksAgree(100);
    await assertNoneOnBoth(ids);
    assert.equal((await stack.processors.fallback.summary()).totalRequests, 0, 'uncertain payments stay pinned to default');
  });

  test('a worker killed with SIGKILL mid-run and restarted loses and duplicates nothing', async () => {
    await stack.processors.default.configure('delay', 150);
    const first = stack.startWorker({ ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    const ids = await stack.pay(1000);
    await waitFor('some payments processed', async () => (await stack.processors.default.summary()).totalRequests > 100, 10_000);
    await first.stop('SIGKILL');
    const inflight = await inflightLength(stack.redis, 'w1');
    assert.ok(inflight > 0, 'the kill left payments in flight');
    stack.startWorker({ ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    await drained(1000, 30_000);
    await assertBooksAgree(1000);
    await assertNoneOnBoth(ids);
  });

  test('a worker stopped with SIGTERM while default fails exits promptly; its payments resume at the next start', async () => {
    await stack.processors.default.configure('failure', true);
    const first = stack.startWorker();
    await stack.pay(50);
    await sleep(1000);
    const stopping = Date.now();
    await first.stop('SIGTERM');
    assert.ok(Date.now() - stopping < 5000, `stopped in ${Date.now() - stopping} ms`);
    assert.equal(first.child.exitCode, 0, first.output());
    assert.equal(await inflightLength(stack.redis, 'w1'), 50, 'payments wait in the in-flight list');
    await stack.processors.default.configure('failure', false);
    stack.startWorker();
    await drained(50);
    await assertBooksAgree(50);
  });

  test('a worker that never comes back has its payments adopted by another, each paid once', async () => {
    await stack.processors.default.configure('delay', 150);
    const lost = stack.startWorker({ INSTANCE: 'wa', ORPHAN_AFTER: '2' });
    const ids = await stack.pay(400);
    await waitFor('some payments processed', async () => (await stack.processors.default.summary()).totalRequests > 50, 10_000);
    await lost.stop('SIGKILL');
    assert.ok(await inflightLength(stack.redis, 'wa') > 0, 'the kill left payments in flight');
    stack.startWorker({ INSTANCE: 'wb', ORPHAN_AFTER: '2' });
    await waitFor('all payments processed', async () => (await backendSummary(stack.api)).default.totalRequests === 400, 30_000);
    assert.equal(await inflightLength(stack.redis, 'wa'), 0, 'the orphaned list was adopted');
    await assertBooksAgree(400);
    await assertNoneOnBoth(ids);
  });

  test('a paused worker whose payments were adopted makes no further processor call', async () => {
    await stack.processors.default.configure('delay', 150);
    const paused = stack.startWorker({ INSTANCE: 'wa', ORPHAN_AFTER: '2', ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    const ids = await stack.pay(300);
    await waitFor('some payments processed', async () => (await stack.processors.default.summary()).totalRequests > 50, 10_000);
    paused.child.kill('SIGSTOP');
    stack.startWorker({ INSTANCE: 'wb', ORPHAN_AFTER: '2', ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
    await waitFor('the paused worker\'s list adopted', async () => (await inflightLength(stack.redis, 'wa')) === 0, 15_000);
    await stack.processors.default.configure('failure', true); // tempt a resumed worker towards fallback
    paused.child.kill('SIGCONT');
    await sleep(1500);
    await stack.processors.default.configure('failure', false);
    await waitFor('all payments processed', async () => {
      const s = await backendSummary(stack.api);
      return s.default.totalRequests + s.fallback.totalRequests === 300;
    }, 30_000);
    await assertBooksAgree(300);
    await assertNoneOnBoth(ids);
  });

  test('a purge while payments are in flight keeps every one of them out of the new books', async () => {
    await stack.processors.default.configure('delay', 400);
    stack.startWorker();
    await stack.pay(100);
    await waitFor('payments in flight', async () => await inflightLength(stack.redis, 'w1') > 0, 5000);
    const res = await fetch(`${stack.api}/purge-payments`, { method: 'POST' });
    assert.equal(res.status, 200);
    await stack.processors.default.configure('delay', 0);
    await sleep(2000); // the calls made before the purge have answered by now
    const stale = await backendSummary(stack.api);
    assert.equal(stale.default.totalRequests + stale.fallback.totalRequests, 0, 'payments from before the purge reached the new books');
    await stack.pay(10);
    await drained(10);
    const fresh = await backendSummary(stack.api);
    assert.equal(fresh.default.totalRequests, 10, 'exactly the payments made after the purge');
  });

  test('fallback-when-down pays fallback after MAX_RETRIES failures while default is down', async () => {
    await stack.processors.default.configure('failure', true);
    stack.startWorker({ ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '2' });
    await stack.pay(50);
    await drained(50);
    await assertBooksAgree(50);
    assert.equal((await backendSummary(stack.api)).fallback.totalRequests, 50);
  });
});
