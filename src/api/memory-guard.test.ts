import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { backendSummary, startStack, waitFor, type Stack } from '../testing/stack.ts';
import { STORE_NEARLY_FULL } from './payments.ts';
import { queueLength } from '../store/inspect.ts';

/**
 * With Redis small, POST /payments must turn to a fixed 503 before Redis itself
 * refuses, while the worker keeps recording what it already took.
 */
let stack: Stack;

before(async () => {
  stack = await startStack({ maxmemory: '3mb', refuseAt: 0.9, memoryReadMs: 100 });
  await stack.processors.default.configure('delay', 20);
  stack.startWorker({ HTTP_CONNECTION_LIMIT: '8', HTTP_CONNECTION_LIMIT_PER_HOST: '8' });
});
after(async () => {
  await stack.close();
});

test('past the memory threshold new payments get a 503 with a fixed message while the worker keeps recording', async () => {
  let accepted = 0;
  let refused: { status: number; body: string } | null = null;
  while (!refused) {
    const replies = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await fetch(`${stack.api}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: randomUUID(), amount: 19.9 }) });
        return { status: res.status, body: await res.text() };
      }),
    );
    accepted += replies.filter((r) => r.status === 202).length;
    refused = replies.find((r) => r.status !== 202) ?? null;
    assert.ok(accepted < 50_000, 'the API refuses before 50,000 payments in 3 MB');
  }
  assert.equal(refused.status, 503, `refused with 503, not ${refused.status}`);
  assert.deepEqual(JSON.parse(refused.body), { error: STORE_NEARLY_FULL }, 'the fixed message, not Redis text');
  assert.ok((await queueLength(stack.redis)) > 0, 'payments were still queued when the API started refusing');

  await waitFor(
    'every accepted payment ledgered',
    async () => {
      const s = await backendSummary(stack.api);
      return s.default.totalRequests + s.fallback.totalRequests === accepted;
    },
    60_000,
  );
  const books = await backendSummary(stack.api);
  const held = await stack.processors.default.summary();
  const heldFallback = await stack.processors.fallback.summary();
  assert.equal(books.default.totalRequests, held.totalRequests, 'the books equal what default holds');
  assert.equal(books.fallback.totalRequests, heldFallback.totalRequests, 'the books equal what fallback holds');
  const again = await fetch(`${stack.api}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: randomUUID(), amount: 1 }) });
  assert.equal(again.status, 503, 'still refused once the queue has drained (the ledger keeps its detail)');
  await again.arrayBuffer();
});
