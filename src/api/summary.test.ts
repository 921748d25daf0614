import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { backendSummary, startStack, waitFor, type Stack } from '../testing/stack.ts';

/**
 * The backend's summary must equal the processors' own for any window, since the
 * auditor compares them. Payments are spread over ~3 s on both processors, then
 * many random windows are compared, with millisecond and microsecond bounds.
 */
let stack: Stack;
let ids: string[] = [];
let startMs = 0;
let endMs = 0;

before(async () => {
  stack = await startStack();
  stack.startWorker({ ROUTING_POLICY: 'fallback-when-down', MAX_RETRIES: '1' });
  startMs = Date.now();
  for (let round = 0; round < 12; round++) {
    if (round === 4) await stack.processors.default.configure('failure', true);
    if (round === 8) await stack.processors.default.configure('failure', false);
    ids.push(...(await stack.pay(25, 1 + round / 100)));
    await sleep(250);
  }
  await waitFor(
    'all payments ledgered',
    async () => {
      const s = await backendSummary(stack.api);
      return s.default.totalRequests + s.fallback.totalRequests === ids.length;
    },
    20_000,
  );
  endMs = Date.now();
});
after(async () => {
  await stack.close();
});

function iso(ms: number, micros = ''): string {
  return new Date(ms).toISOString().replace('Z', `${micros}Z`);
}

async function assertWindowAgrees(query: string): Promise<void> {
  const ours = await backendSummary(stack.api, query);
  const d = await stack.processors.default.summary(query);
  const f = await stack.processors.fallback.summary(query);
  assert.deepEqual(
    [ours.default.totalRequests, ours.default.totalAmount, ours.fallback.totalRequests, ours.fallback.totalAmount],
    [d.totalRequests, d.totalAmount, f.totalRequests, f.totalAmount],
    `window ${query}`,
  );
}

describe('payments summary', () => {
  test('both processors received payments, so both sides are exercised', async () => {
    const s = await backendSummary(stack.api);
    assert.ok(s.default.totalRequests > 0 && s.fallback.totalRequests > 0, JSON.stringify(s));
  });

  test('without from and to, it counts everything, like the processors', async () => {
    await assertWindowAgrees('');
  });

  test('only from, or only to, leaves the other side open', async () => {
    const middle = Math.round((startMs + endMs) / 2);
    await assertWindowAgrees(`?from=${iso(middle)}`);
    await assertWindowAgrees(`?to=${iso(middle)}`);
  });

  test('200 random windows agree, with millisecond and microsecond bounds', async () => {
    for (let i = 0; i < 200; i++) {
      const a = startMs - 200 + Math.floor(Math.random() * (endMs - startMs + 400));
      const b = a + Math.floor(Math.random() * 2000);
      const micros = () => (Math.random() < 0.5 ? '' : String(Math.floor(Math.random() * 1000)).padStart(3, '0'));
      await assertWindowAgrees(`?from=${iso(a, micros())}&to=${iso(b, micros())}`);
    }
  });

  test('windows whose bounds sit exactly on a payment include it at both ends', async () => {
    for (const id of ids.slice(0, 300).filter((_, i) => i % 30 === 0)) {
      const row = (await stack.processors.default.payment(id)) ?? (await stack.processors.fallback.payment(id));
      assert.ok(row, `payment ${id} is at a processor`);
      const at = row.requestedAtMs;
      await assertWindowAgrees(`?from=${iso(at)}&to=${iso(at)}`);
      await assertWindowAgrees(`?from=${iso(at, '000')}&to=${iso(at, '000')}`);
      await assertWindowAgrees(`?from=${iso(at, '001')}&to=${iso(at + 5)}`);
      await assertWindowAgrees(`?from=${iso(at - 5)}&to=${iso(at - 1, '999')}`);
      const ours = await backendSummary(stack.api, `?from=${iso(at)}&to=${iso(at)}`);
      assert.ok(ours.default.totalRequests + ours.fallback.totalRequests >= 1, 'from == to on a payment counts it');
    }
  });

  test('a window that spans many 100 ms buckets agrees', async () => {
    await assertWindowAgrees(`?from=${iso(startMs - 60_000)}&to=${iso(endMs + 60_000)}`);
    await assertWindowAgrees(`?from=2000-01-01T00:00:00.000Z&to=2100-01-01T00:00:00.000Z`);
  });

  test('from after to is an empty window, not an error', async () => {
    const ours = await backendSummary(stack.api, `?from=${iso(endMs)}&to=${iso(startMs)}`);
    assert.equal(ours.default.totalRequests + ours.fallback.totalRequests, 0);
  });
});
