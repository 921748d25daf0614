import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFor } from './testing.ts';

test('a payment is stored and can be read back by its correlationId', async (t) => {
  const client = await startFor(t);
  const id = randomUUID();
  const posted = await client.pay({ id: id.toUpperCase(), amount: '19.90', requestedAt: '2025-07-10T12:34:56.123Z' });
  assert.equal(posted.status, 200);
  assert.deepEqual(posted.body, { message: 'payment processed successfully' });
  const read = await client.get(id);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, { correlationId: id, amount: 19.9, requestedAt: '2025-07-10T12:34:56.123Z' });
});

test('an unknown payment id or route answers 404 with a JSON body', async (t) => {
  const client = await startFor(t);
  for (const [method, path] of [['GET', `/payments/${randomUUID()}`], ['GET', '/payments/not-a-uuid'], ['GET', '/nope'], ['DELETE', '/payments'], ['GET', '/admin/nope']]) {
    const answer = await client.call(method!, path!);
    assert.equal(answer.status, 404, `${method} ${path}`);
    assert.equal(typeof answer.body, 'object');
  }
});

test('a duplicate correlationId answers 422 and keeps the first requestedAt and amount', async (t) => {
  const client = await startFor(t);
  const id = randomUUID();
  assert.equal((await client.pay({ id, amount: '10', requestedAt: '2025-07-10T12:00:00.000Z' })).status, 200);
  const duplicate = await client.pay({ id, amount: '20', requestedAt: '2025-07-10T13:00:00.000Z' });
  assert.equal(duplicate.status, 422);
  assert.deepEqual((await client.get(id)).body, { correlationId: id, amount: 10, requestedAt: '2025-07-10T12:00:00.000Z' });
});

test('amounts are rounded half to even on their decimal text', async (t) => {
  const client = await startFor(t);
  const cases: Array<[string, number]> = [
    ['0.125', 0.12], ['0.135', 0.14], ['0.115', 0.12], ['0.145', 0.14], ['19.905', 19.9], ['1.005', 1],
    ['2.675', 2.68], ['1.0051', 1.01], ['0.0049999', 0], ['12.5e-1', 1.25], ['1e2', 100], ['7', 7],
  ];
  for (const [text, expected] of cases) {
    const id = randomUUID();
    assert.equal((await client.pay({ id, amount: text })).status, 200, text);
    assert.equal(((await client.get(id)).body as { amount: number }).amount, expected, text);
  }
});

test('requestedAt keeps microseconds, accepts offsets and truncates a seventh digit', async (t) => {
  const client = await startFor(t);
  const cases: Array<[string, string]> = [
    ['2025-07-10T12:34:56.123456Z', '2025-07-10T12:34:56.123456Z'],
    ['2025-07-10T09:34:56.1234567-03:00', '2025-07-10T12:34:56.123456Z'],
    ['2025-07-10T14:34:56.5+02:00', '2025-07-10T12:34:56.500Z'],
    ['2025-07-10T12:34:56Z', '2025-07-10T12:34:56.000Z'],
  ];
  for (const [sent, stored] of cases) {
    const id = randomUUID();
    assert.equal((await client.pay({ id, requestedAt: sent })).status, 200, sent);
    assert.equal(((await client.get(id)).body as { requestedAt: string }).requestedAt, stored, sent);
  }
});

test('an invalid body answers 400 without waiting for the delay', async (t) => {
  const client = await startFor(t);
  await client.configure('delay', 1000);
  const id = randomUUID();
  const bodies = [
    'not json', '[]', '{}',
    `{"amount":1,"requestedAt":"2025-07-10T12:00:00Z"}`,
    `{"correlationId":"nope","amount":1,"requestedAt":"2025-07-10T12:00:00Z"}`,
    `{"correlationId":"${id}","amount":"1","requestedAt":"2025-07-10T12:00:00Z"}`,
    `{"correlationId":"${id}","amount":1}`,
    `{"correlationId":"${id}","amount":1,"requestedAt":"2025-07-10 12:00"}`,
    `{"correlationId":"${id}","amount":1,"requestedAt":"2025-07-10T12:00:00.12345678Z"}`,
    `{"correlationId":"${id}","amount":1,"requestedAt":"2025-02-30T12:00:00Z"}`,
  ];
  for (const body of bodies) {
    const answer = await client.call('POST', '/payments', { body });
    assert.equal(answer.status, 400, body);
    assert.ok(answer.ms < 500, `${body} took ${answer.ms} ms`);
  }
  await client.configure('delay', 0);
  assert.equal((await client.get(id)).status, 404);
});

test('failure answers 500 only after the delay and stores nothing', async (t) => {
  const client = await startFor(t);
  await client.configure('delay', 200);
  await client.configure('failure', true);
  const id = randomUUID();
  const answer = await client.pay({ id });
  assert.equal(answer.status, 500);
  assert.ok(answer.ms >= 190, `answered after ${answer.ms} ms`);
  assert.equal((await client.get(id)).status, 404);
  assert.equal(((await client.summary()).body as { totalRequests: number }).totalRequests, 0);
});

test('the failure flag is read after the delay, not when the request arrives', async (t) => {
  const client = await startFor(t);
  await client.configure('delay', 300);
  const failed = client.pay();
  await sleep(100);
  await client.configure('failure', true);
  assert.equal((await failed).status, 500);
  const id = randomUUID();
  const recovered = client.pay({ id });
  await sleep(100);
  await client.configure('failure', false);
  assert.equal((await recovered).status, 200);
  assert.equal((await client.get(id)).status, 200);
});

test('a request sleeps for the delay in force when it started sleeping', async (t) => {
  const client = await startFor(t);
  await client.configure('delay', 300);
  const slow = client.pay();
  await sleep(50);
  await client.configure('delay', 0);
  const answer = await slow;
  assert.equal(answer.status, 200);
  assert.ok(answer.ms >= 290, `answered after ${answer.ms} ms`);
});

test('a payment abandoned by the client during the delay is still stored afterwards', async (t) => {
  const client = await startFor(t);
  await client.configure('delay', 300);
  const id = randomUUID();
  const abandoned = client.pay({ id }, AbortSignal.timeout(50));
  await assert.rejects(abandoned);
  assert.equal((await client.get(id)).status, 404, 'not stored before the delay ends');
  await sleep(400);
  assert.equal((await client.get(id)).status, 200);
});

test('payments beyond maxConcurrent wait in line and beyond maxQueued answer 429 at once', async (t) => {
  const client = await startFor(t, { maxConcurrent: 2, maxQueued: 1 });
  await client.configure('delay', 300);
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const running: Array<Promise<{ status: number; ms: number }>> = [];
  for (const id of ids) {
    running.push(client.pay({ id }));
    await sleep(30); // lets each request reach the server in order
  }
  const rejected = await client.pay();
  assert.equal(rejected.status, 429);
  assert.ok(rejected.ms < 250, `429 took ${rejected.ms} ms`);
  const [first, second, queued] = await Promise.all(running);
  assert.deepEqual([first!.status, second!.status, queued!.status], [200, 200, 200]);
  assert.ok(queued!.ms >= 450, `the queued payment waited for a slot: ${queued!.ms} ms`);
  for (const id of ids) assert.equal((await client.get(id)).status, 200);
  assert.equal((await client.pay()).status, 200, 'slots are given back');
});

test('a queued payment whose client leaves gives its place back and is not stored', async (t) => {
  const client = await startFor(t, { maxConcurrent: 1, maxQueued: 1 });
  await client.configure('delay', 300);
  const holder = client.pay();
  await sleep(30);
  const leaverId = randomUUID();
  await assert.rejects(client.pay({ id: leaverId }, AbortSignal.timeout(50)));
  await sleep(20);
  const next = await client.pay();
  assert.equal(next.status, 200, 'took the freed queue place instead of a 429');
  assert.equal((await holder).status, 200);
  assert.equal((await client.get(leaverId)).status, 404);
});

test('service-health reports the failure flag and the delay', async (t) => {
  const client = await startFor(t);
  await client.configure('failure', true);
  await client.configure('delay', 1234);
  const answer = await client.health();
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { failing: true, minResponseTime: 1234 });
});

test('service-health answers one call per window, queues two for later windows and rejects the rest', async (t) => {
  const client = await startFor(t, { rateLimitSeconds: 1 });
  const started = performance.now();
  const first = await client.health();
  assert.equal(first.status, 200);
  assert.ok(first.ms < 300, `first call took ${first.ms} ms`);
  const order: number[] = [];
  const second = client.health().then((a) => (order.push(2), { ...a, at: performance.now() - started }));
  await sleep(50);
  const third = client.health().then((a) => (order.push(3), { ...a, at: performance.now() - started }));
  await sleep(50);
  const fourth = await client.health();
  assert.equal(fourth.status, 429);
  assert.ok(fourth.ms < 300, `429 took ${fourth.ms} ms`);
  const [a2, a3] = await Promise.all([second, third]);
  assert.deepEqual([a2.status, a3.status], [200, 200]);
  assert.deepEqual(order, [2, 3]);
  assert.ok(a2.at >= 950 && a2.at < 1500, `second answered at ${a2.at} ms`);
  assert.ok(a3.at >= 1950 && a3.at < 2500, `third answered at ${a3.at} ms`);
});
