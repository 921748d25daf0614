import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startFor } from './testing.ts';

const ADMIN_CALLS: Array<[string, string, string?]> = [
  ['GET', '/admin/payments-summary'],
  ['POST', '/admin/purge-payments'],
  ['PUT', '/admin/configurations/token', '{"token":"x"}'],
  ['PUT', '/admin/configurations/delay', '{"delay":1}'],
  ['PUT', '/admin/configurations/failure', '{"failure":true}'],
];

test('admin endpoints answer 401 without the current token', async (t) => {
  const client = await startFor(t);
  for (const [method, path, body] of ADMIN_CALLS) {
    for (const token of [null, 'wrong', '']) {
      const answer = await client.call(method, path, { body, token });
      assert.equal(answer.status, 401, `${method} ${path} with token ${token}`);
    }
  }
  assert.deepEqual((await client.health()).body, { failing: false, minResponseTime: 0 }, 'nothing changed');
});

test('a new token is in force at once and the old one stops working', async (t) => {
  const client = await startFor(t, { token: 'first' });
  const changed = await client.configure('token', 'second');
  assert.equal(changed.status, 204);
  assert.equal(changed.body, null);
  assert.equal((await client.summary()).status, 401);
  client.token = 'second';
  assert.equal((await client.summary()).status, 200);
});

test('delay and failure changes answer the old and the new value', async (t) => {
  const client = await startFor(t);
  assert.deepEqual((await client.configure('delay', 250)).body, { config: 'delay', was: 0, is: 250 });
  assert.deepEqual((await client.configure('delay', 0)).body, { config: 'delay', was: 250, is: 0 });
  assert.deepEqual((await client.configure('failure', true)).body, { config: 'failure', was: false, is: true });
  const again = await client.configure('failure', true);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { config: 'failure', was: true, is: true });
});

test('malformed configuration bodies answer 400 and change nothing', async (t) => {
  const client = await startFor(t);
  assert.equal((await client.configure('delay', -1)).status, 400);
  assert.equal((await client.configure('delay', 1.5)).status, 400);
  assert.equal((await client.configure('delay', '10')).status, 400);
  assert.equal((await client.configure('failure', 'yes')).status, 400);
  assert.equal((await client.configure('token', 7)).status, 400);
  assert.equal((await client.call('PUT', '/admin/configurations/delay', { body: 'nope' })).status, 400);
  assert.deepEqual((await client.health()).body, { failing: false, minResponseTime: 0 });
  assert.equal((await client.summary()).status, 200, 'token unchanged');
});

test('the summary bounds are inclusive at microsecond precision', async (t) => {
  const client = await startFor(t);
  for (const micros of ['123455', '123456', '123457']) {
    assert.equal((await client.pay({ amount: '1', requestedAt: `2025-07-10T12:34:56.${micros}Z` })).status, 200);
  }
  const count = async (query: string): Promise<number> => {
    const answer = await client.summary(query);
    assert.equal(answer.status, 200, query);
    return (answer.body as { totalRequests: number }).totalRequests;
  };
  const at = (micros: string): string => `2025-07-10T12:34:56.${micros}Z`;
  assert.equal(await count(`?from=${at('123456')}&to=${at('123456')}`), 1, 'from == to == a stored instant');
  assert.equal(await count(`?from=${at('123455')}&to=${at('123457')}`), 3, 'both ends included');
  assert.equal(await count(`?from=${at('123458')}&to=${at('999999')}`), 0, 'from one microsecond after the last');
  assert.equal(await count(`?from=${at('000000')}&to=${at('123454')}`), 0, 'to one microsecond before the first');
  assert.equal(await count(`?from=${at('1234561')}&to=${at('1234569')}`), 1, 'a seventh digit is truncated');
  assert.equal(await count(`?from=${at('123457')}`), 1, 'no to: open above');
  assert.equal(await count(`?to=${at('123455')}`), 1, 'no from: open below');
  assert.equal(await count(''), 3);
  assert.equal(await count('?from=2025-07-10T09:34:56.123456-03:00&to=2025-07-10T15:34:56.123456%2B03:00'), 1, 'offsets');
  assert.equal(await count('?from=2025-07-10T15:34:56.123456+03:00&to=2025-07-10T15:34:56.123457+03:00'), 2, 'raw +');
});

test('the summary totals amounts in cents and rounds the fee half to even', async (t) => {
  const client = await startFor(t, { fee: 0.05 });
  await client.pay({ amount: '19.90' });
  await client.pay({ amount: '19.9' });
  assert.deepEqual((await client.summary()).body, { totalRequests: 2, totalAmount: 39.8, totalFee: 1.99, feePerTransaction: 0.05 });
  const small = await startFor(t, { fee: 0.05 });
  await small.pay({ amount: '0.5' }); // fee 0.025 -> 0.02
  assert.deepEqual((await small.summary()).body, { totalRequests: 1, totalAmount: 0.5, totalFee: 0.02, feePerTransaction: 0.05 });
  await small.pay({ amount: '0.2' }); // 0.7 * 0.05 = 0.035 -> 0.04
  assert.equal(((await small.summary()).body as { totalFee: number }).totalFee, 0.04);
  const other = await startFor(t, { fee: 0.15 });
  await other.pay({ amount: '0.1' });
  await other.pay({ amount: '0.2' }); // 0.3 exactly in cents, never 0.30000000000000004
  assert.deepEqual((await other.summary()).body, { totalRequests: 2, totalAmount: 0.3, totalFee: 0.04, feePerTransaction: 0.15 });
});

test('an unparseable from or to answers 400', async (t) => {
  const client = await startFor(t);
  for (const query of ['?from=yesterday', '?to=2025-07-10', '?from=2025-07-10T12:00:00.12345678Z', '?to=2025-02-30T00:00:00Z', '?from=2025-07-10T12:00:00']) {
    assert.equal((await client.summary(query)).status, 400, query);
  }
});

test('purge removes every payment', async (t) => {
  const client = await startFor(t);
  const id = randomUUID();
  await client.pay({ id });
  await client.pay();
  const purged = await client.call('POST', '/admin/purge-payments');
  assert.equal(purged.status, 200);
  assert.deepEqual(purged.body, { message: 'All payments purged.' });
  assert.equal((await client.get(id)).status, 404);
  assert.deepEqual((await client.summary()).body, { totalRequests: 0, totalAmount: 0, totalFee: 0, feePerTransaction: 0.05 });
  assert.equal((await client.pay({ id })).status, 200, 'a purged correlationId can be used again');
});
