import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { acceptedCount, queuedEntries, queueLength, setMaxMemory } from '../store/inspect.ts';
import { startStack, type Stack } from '../testing/stack.ts';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.close();
});

async function call(method: string, path: string, body?: string, contentType = 'application/json') {
  const headers: Record<string, string> = {};
  if (body !== undefined && contentType) headers['Content-Type'] = contentType;
  const res = await fetch(`${stack.api}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

const id = '4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3';

describe('POST /payments refuses bad input and queues nothing', () => {
  const cases: [string, string | undefined, number, RegExp, string?][] = [
    ['invalid JSON', '{"correlationId":', 400, /not valid JSON/],
    ['an array body', '[]', 400, /must be a JSON object/],
    ['a missing correlationId', '{"amount":19.9}', 400, /correlationId is required/],
    ['a numeric correlationId', '{"correlationId":42,"amount":19.9}', 400, /correlationId must be a string/],
    ['a correlationId that is not a UUID', '{"correlationId":"abc","amount":19.9}', 400, /correlationId must be a UUID/],
    ['a missing amount', `{"correlationId":"${id}"}`, 400, /amount is required/],
    ['an amount given as a string', `{"correlationId":"${id}","amount":"19.90"}`, 400, /amount must be a JSON number/],
    ['a zero amount', `{"correlationId":"${id}","amount":0}`, 400, /positive number with at most 2 decimals/],
    ['a negative amount', `{"correlationId":"${id}","amount":-5}`, 400, /positive number/],
    ['an amount with 3 decimals', `{"correlationId":"${id}","amount":19.999}`, 400, /at most 2 decimals/],
    ['a large amount with 3 decimals', `{"correlationId":"${id}","amount":1000.005}`, 400, /at most 2 decimals/],
    ['an amount beyond the maximum', `{"correlationId":"${id}","amount":1e12}`, 400, /at most 100000000.00/],
    ['a body over 4 KB', `{"correlationId":"${id}","amount":19.9,"pad":"${'x'.repeat(5000)}"}`, 413, /at most 4096 bytes/],
    ['a form-encoded body', 'correlationId=x', 415, /Content-Type must be application\/json/, 'application/x-www-form-urlencoded'],
  ];
  for (const [name, body, status, message, type] of cases) {
    test(`${name} answers ${status} naming the problem`, async () => {
      const res = await call('POST', '/payments', body, type);
      assert.equal(res.status, status);
      assert.match(String(res.body.error), message);
      assert.equal(await queueLength(stack.redis), 0, 'nothing was queued');
    });
  }
});

describe('POST /payments accepts once', () => {
  test('a valid payment answers 202 after it is in the queue', async () => {
    const fresh = randomUUID();
    const res = await call('POST', '/payments', JSON.stringify({ correlationId: fresh, amount: 19.9 }));
    assert.equal(res.status, 202);
    const queue = await queuedEntries(stack.redis);
    assert.ok(queue.some((entry) => entry.startsWith(`${fresh}|1990|`)), 'queued with the amount in cents');
  });

  test('the same correlationId with the same amount is a replay: 202, queued once', async () => {
    const fresh = randomUUID();
    const body = JSON.stringify({ correlationId: fresh, amount: 10.5 });
    assert.equal((await call('POST', '/payments', body)).status, 202);
    const replay = await call('POST', '/payments', JSON.stringify({ correlationId: fresh.toUpperCase(), amount: 10.5 }));
    assert.equal(replay.status, 202);
    assert.equal(replay.body.status, 'replayed');
    const queue = await queuedEntries(stack.redis);
    assert.equal(queue.filter((entry) => entry.startsWith(fresh)).length, 1);
  });

  test('the same correlationId with another amount answers 409', async () => {
    const fresh = randomUUID();
    await call('POST', '/payments', JSON.stringify({ correlationId: fresh, amount: 1 }));
    const res = await call('POST', '/payments', JSON.stringify({ correlationId: fresh, amount: 2 }));
    assert.equal(res.status, 409);
    assert.match(String(res.body.error), /different amount/);
  });

  test('Redis unreachable answers 503 and never a 2XX', async () => {
    await stack.redisServer.stop();
    try {
      await sleep(50);
      const res = await call('POST', '/payments', JSON.stringify({ correlationId: randomUUID(), amount: 1 }));
      assert.equal(res.status, 503);
      assert.match(String(res.body.error), /payment store unavailable/);
    } finally {
      await stack.redisServer.restart();
      await stack.redis.waitReady(5000);
    }
  });
});

describe('5XX answers show fixed messages, never the store internals', () => {
  const internals = /redis|127\.0\.0\.1|ECONN|OOM|maxmemory|EVALSHA|[0-9a-f]{40}|sock/i;

  test('with Redis down, every endpoint answers a 503 whose message names no address, command or error code', async () => {
    await stack.redisServer.stop();
    try {
      await sleep(50);
      for (const [method, path, body] of [
        ['POST', '/payments', JSON.stringify({ correlationId: randomUUID(), amount: 1 })],
        ['GET', '/payments-summary', undefined],
        ['POST', '/purge-payments', undefined],
        ['GET', '/ready', undefined],
      ] as const) {
        const res = await call(method, path, body);
        assert.equal(res.status, 503, `${method} ${path}`);
        assert.doesNotMatch(String(res.body.error), internals, `${method} ${path} answered ${JSON.stringify(res.body)}`);
      }
    } finally {
      await stack.redisServer.restart();
      await stack.redis.waitReady(5000);
    }
  });

  test('a full Redis (OOM) answers 503 without Retry-After, and without the OOM text', async () => {
    await setMaxMemory(stack.redis, 1);
    try {
      const res = await call('POST', '/payments', JSON.stringify({ correlationId: randomUUID(), amount: 1 }));
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), null, 'retrying in a second cannot help a full store');
      assert.match(String(res.body.error), /payment store is full/);
      assert.doesNotMatch(String(res.body.error), internals);
    } finally {
      await setMaxMemory(stack.redis, 0);
    }
  });
});

describe('HTTP edges', () => {
  test('Expect: 100-continue with a Content-Length over the limit gets 413 and no 100 Continue', async () => {
    const { request } = await import('node:http');
    const url = new URL(stack.api);
    const outcome = await new Promise<{ continued: boolean; status: number; body: string }>((resolve, reject) => {
      let continued = false;
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/payments', headers: { 'Content-Type': 'application/json', 'Content-Length': '100000', Expect: '100-continue' } });
      req.on('continue', () => {
        continued = true;
        req.destroy();
        resolve({ continued, status: 0, body: '' });
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ continued, status: res.statusCode ?? 0, body }));
      });
      req.on('error', (err) => (continued ? undefined : reject(err)));
      req.flushHeaders();
    });
    assert.equal(outcome.continued, false, 'the server asked for a body it would refuse');
    assert.equal(outcome.status, 413);
    assert.match(JSON.parse(outcome.body).error, /at most 4096 bytes/);
  });

  test('Expect: 100-continue with an acceptable body is answered as usual', async () => {
    const body = JSON.stringify({ correlationId: randomUUID(), amount: 2 });
    const res = await fetch(`${stack.api}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json', Expect: '100-continue' }, body }).catch(() => null);
    // fetch (undici) refuses to send Expect itself; node:http does.
    if (res === null) {
      const { request } = await import('node:http');
      const url = new URL(stack.api);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/payments', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' } });
        req.on('continue', () => req.end(body));
        req.on('response', (r) => (r.resume(), resolve(r.statusCode ?? 0)));
        req.on('error', reject);
        req.flushHeaders();
      });
      assert.equal(status, 202);
    } else {
      assert.equal(res.status, 202);
    }
  });

  for (const offset of ['+99:99', '+24:00', '-05:60']) {
    test(`a from with the offset ${offset} is refused with 400 naming the parameter`, async () => {
      const res = await call('GET', `/payments-summary?from=${encodeURIComponent(`2020-07-10T12:34:56.000${offset}`)}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(String(res.body.error), /^from: expected an ISO-8601 timestamp/);
    });
  }
});

describe('routing and the other endpoints', () => {
  test('an unknown path answers 404 in JSON', async () => {
    const res = await call('GET', '/nope');
    assert.equal(res.status, 404);
    assert.match(String(res.body.error), /no route for \/nope/);
  });

  test('a known path with the wrong method answers 405 with Allow', async () => {
    const res = await call('DELETE', '/payments');
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });

  test('an unparseable from answers 400 naming the parameter', async () => {
    const res = await call('GET', '/payments-summary?from=yesterday');
    assert.equal(res.status, 400);
    assert.match(String(res.body.error), /^from: expected an ISO-8601 timestamp/);
  });

  test('the summary has all four fields, zero when nothing was processed', async () => {
    const res = await call('GET', '/payments-summary');
    assert.deepEqual(res.body, { default: { totalRequests: 0, totalAmount: 0 }, fallback: { totalRequests: 0, totalAmount: 0 } });
  });

  test('purge empties the queue and forgets accepted ids', async () => {
    const fresh = randomUUID();
    await call('POST', '/payments', JSON.stringify({ correlationId: fresh, amount: 1 }));
    assert.equal((await call('POST', '/purge-payments')).status, 200);
    assert.equal(await queueLength(stack.redis), 0);
    assert.equal(await acceptedCount(stack.redis), 0);
    assert.equal((await call('POST', '/payments', JSON.stringify({ correlationId: fresh, amount: 2 }))).status, 202, 'the id is new again');
  });

  test('ready answers 200 while Redis is reachable', async () => {
    const res = await call('GET', '/ready');
    assert.equal(res.status, 200);
  });
});

describe('with PURGE_TOKEN set, purge needs X-Purge-Token', () => {
  let guarded: Stack;
  before(async () => {
    guarded = await startStack({ purgeToken: 's3cret' });
  });
  after(async () => {
    await guarded.close();
  });

  async function pay(): Promise<void> {
    const res = await fetch(`${guarded.api}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: randomUUID(), amount: 1 }) });
    assert.equal(res.status, 202);
  }

  async function purgeWith(headers: Record<string, string>) {
    const res = await fetch(`${guarded.api}/purge-payments`, { method: 'POST', headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  test('a purge without the header, or with another token, answers 401 naming the header and removes nothing', async () => {
    await pay();
    const queued = await queueLength(guarded.redis);
    assert.ok(queued >= 1, 'a payment to protect');
    for (const headers of [{}, { 'X-Purge-Token': 'guess' }, { 'X-Purge-Token': 's3cre' }] as Record<string, string>[]) {
      const refused = await purgeWith(headers);
      assert.equal(refused.status, 401, JSON.stringify(headers));
      assert.match(String(refused.body.error), /X-Purge-Token header to match PURGE_TOKEN/);
    }
    assert.equal(await queueLength(guarded.redis), queued, 'the payment is still queued');
  });

  test('a purge with the matching token empties the store', async () => {
    await pay();
    const res = await purgeWith({ 'X-Purge-Token': 's3cret' });
    assert.equal(res.status, 200);
    assert.equal(await queueLength(guarded.redis), 0);
    assert.equal(await acceptedCount(guarded.redis), 0);
  });
});
