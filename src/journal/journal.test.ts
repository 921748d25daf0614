import { after, before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { queueLength } from '../store/inspect.ts';
import { backendSummary, startStack, waitFor, type Stack } from '../testing/stack.ts';

// The whole path with JOURNAL_DIR: the API appends and queues, the worker (a real process) forwards.
let stack: Stack;
let dir: string;
before(async () => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'journal-stack-'));
  stack = await startStack({ journalDir: dir });
});
after(async () => {
  await stack.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (id: string, amount = 19.9) =>
  fetch(`${stack.api}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: id, amount }) });

test('POST /payments answers 202 "received" once the payment is a line in the journal; the API queues it within its flush interval', async () => {
  const id = randomUUID();
  const res = await post(id);
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { correlationId: id, status: 'received' });
  const journal = fs.readdirSync(dir).map((name) => fs.readFileSync(join(dir, name), 'latin1')).join('');
  assert.match(journal, new RegExp(`^${id}\\|1990\\|\\d+$`, 'm'));
  await waitFor('the payment queued', async () => (await queueLength(stack.redis)) === 1, 2000);
});

test('a journal that cannot be written answers 503 with Retry-After, and the payment is not accepted', async () => {
  const failing = mock.method(fs, 'writeSync', () => {
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  });
  try {
    const res = await post(randomUUID());
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.match(((await res.json()) as { error: string }).error, /payment journal unavailable: payment not accepted/);
  } finally {
    failing.mock.restore();
  }
});

test('the worker forwards every journaled payment once, replays included, and the books agree with the processor', async () => {
  const ids = await stack.pay(60);
  for (const id of ids.slice(0, 5)) assert.equal((await post(id)).status, 202, 'a replay is received too');
  const worker = stack.startWorker();
  await waitFor('61 payments on default', async () => (await backendSummary(stack.api)).default.totalRequests === 61, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 100)); // a replay queued twice would land by now
  const ours = await backendSummary(stack.api);
  const theirs = await stack.processors.default.summary();
  assert.equal(ours.default.totalRequests, 61, 'the first test payment and these 60, each once');
  assert.equal(theirs.totalRequests, 61);
  assert.equal(Math.round(ours.default.totalAmount * 100), 61 * 1990);
  await worker.stop();
});
