import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { freePort } from '../testing/redis-server.ts';
import { describeFailure, ProcessorClient } from './client.ts';
import type { TransportKind } from './transport.ts';

const ADMIN_TOKEN = 'secret';

/** What the test processor saw on its admin paths, newest last. */
const adminCalls: { method: string; url: string; body: string }[] = [];

/** A processor whose answer is chosen by the payment's correlationId (admin paths: by the query). */
let server: http.Server;
let url: string;
before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url!.startsWith('/admin/')) {
        adminCalls.push({ method: req.method!, url: req.url!, body });
        if (req.headers['x-rinha-token'] !== ADMIN_TOKEN) return res.writeHead(401).end();
        if (req.method === 'PUT') return res.writeHead(body.includes('"delay":-1') ? 400 : 204).end();
        if (req.url!.includes('from=garbled')) return res.writeHead(200).end('{"totalRequests":"3"}');
        return res.writeHead(200).end('{"totalRequests":3,"totalAmount":59.699999999999996}');
      }
      if (req.method === 'GET') {
        const id = req.url!.slice('/payments/'.length);
        if (id === 'held') return res.writeHead(200).end('{"correlationId":"held","amount":19.9,"requestedAt":"2025-07-10T12:34:56.789Z"}');
        if (id === 'garbled') return res.writeHead(200).end('<html>');
        if (id === 'slow') return setTimeout(() => res.writeHead(404).end(), 1000);
        return res.writeHead(404).end();
      }
      const { correlationId } = JSON.parse(body) as { correlationId: string };
      if (correlationId === 'slow') return setTimeout(() => res.writeHead(200).end('{}'), 1000);
      if (correlationId === 'reset') return req.socket.destroy();
      if (correlationId === 'cut') {
        res.writeHead(200, { 'Content-Length': '100' }).write('{"correlationId"');
        return setTimeout(() => req.socket.destroy(), 20);
      }
      res.writeHead(Number(correlationId)).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

for (const kind of ['http', 'fetch'] as TransportKind[]) {
  describe(`the processor client over ${kind}`, () => {
    const client = () => new ProcessorClient('default', url, kind, 4);

    test('maps each answer to what it means for the payment', async () => {
      const c = client();
      assert.deepEqual(await c.pay('200', 1990, 0, 1000), { kind: 'ok' });
      assert.deepEqual(await c.pay('422', 1990, 0, 1000), { kind: 'duplicate' });
      assert.deepEqual(await c.pay('500', 1990, 0, 1000), { kind: 'failed', reason: 'HTTP 500', mayHold: true }, 'a 500 may come after an insert');
      assert.deepEqual(await c.pay('429', 1990, 0, 1000), { kind: 'failed', reason: 'HTTP 429', mayHold: false });
      c.close();
    });

    test('a refused connection is a failure that never reached the processor', async () => {
      const c = new ProcessorClient('default', `http://127.0.0.1:${await freePort()}`, kind);
      const outcome = await c.pay('x', 1990, 0, 1000);
      assert.equal(outcome.kind, 'failed');
      assert.equal(outcome.kind === 'failed' && outcome.mayHold, false);
      c.close();
    });

    test('no answer within the timeout is uncertain, and is reported close to the timeout', async () => {
      const c = client();
      const started = Date.now();
      const outcome = await c.pay('slow', 1990, 0, 300);
      assert.equal(outcome.kind, 'uncertain');
      assert.ok(Date.now() - started < 900, `took ${Date.now() - started} ms for a 300 ms timeout`);
      c.close();
    });

    test('a connection lost after sending is uncertain', async () => {
      const c = client();
      assert.equal((await c.pay('reset', 1990, 0, 1000)).kind, 'uncertain');
      c.close();
    });

    test('an answer cut short after its status line is uncertain, not ok', async () => {
      const c = client();
      assert.equal((await c.pay('cut', 1990, 0, 1000)).kind, 'uncertain');
      c.close();
    });

    test('a lookup returns the processor\'s row, null for 404, and throws on a body it cannot read', async () => {
      const c = client();
      assert.deepEqual(await c.lookup('held', 1000), { cents: 1990, requestedAtMs: Date.parse('2025-07-10T12:34:56.789Z') });
      assert.equal(await c.lookup('absent', 1000), null);
      await assert.rejects(c.lookup('garbled', 1000), /unexpected body/);
      c.close();
    });

    test('an admin summary sends the token and the window, and returns the totals as the processor states them', async () => {
      const c = new ProcessorClient('default', url, kind, 4, ADMIN_TOKEN);
      adminCalls.length = 0;
      const totals = await c.adminSummary('2025-07-10T12:00:00.000Z', '2025-07-10T12:01:00.000Z', 1000);
      assert.deepEqual(totals, { totalRequests: 3, totalAmount: 59.699999999999996 }, 'the amount is not rounded on the way');
      assert.deepEqual(adminCalls.map((a) => `${a.method} ${a.url}`), ['GET /admin/payments-summary?from=2025-07-10T12%3A00%3A00.000Z&to=2025-07-10T12%3A01%3A00.000Z']);
      await c.adminSummary(null, '2025-07-10T12:01:00.000Z');
      await c.adminSummary();
      assert.deepEqual(adminCalls.slice(1).map((a) => a.url), ['/admin/payments-summary?to=2025-07-10T12%3A01%3A00.000Z', '/admin/payments-summary'], 'an absent bound is left out, not sent empty');
      c.close();
    });

    test('an admin summary refused for its token names PROCESSOR_ADMIN_TOKEN, and one with a body it cannot read throws', async () => {
      const anonymous = new ProcessorClient('default', url, kind);
      await assert.rejects(anonymous.adminSummary(), /HTTP 401 \(check PROCESSOR_ADMIN_TOKEN\)/);
      anonymous.close();
      const c = new ProcessorClient('default', url, kind, 4, ADMIN_TOKEN);
      await assert.rejects(c.adminSummary('garbled'), /unexpected body/);
      c.close();
    });

    test('configure sends the setting as {name: value} with the token, and throws when the processor refuses it', async () => {
      const c = new ProcessorClient('default', url, kind, 4, ADMIN_TOKEN);
      adminCalls.length = 0;
      await c.configure('failure', true);
      await c.configure('delay', 150);
      assert.deepEqual(adminCalls, [
        { method: 'PUT', url: '/admin/configurations/failure', body: '{"failure":true}' },
        { method: 'PUT', url: '/admin/configurations/delay', body: '{"delay":150}' },
      ]);
      await assert.rejects(c.configure('delay', -1), /PUT \/admin\/configurations\/delay answered HTTP 400/);
      c.close();
    });

    test('a failed call is described in one line: no answer in time, the socket error, or the answer', async () => {
      const c = client();
      assert.equal(describeFailure(await c.lookup('slow', 200).catch((e: unknown) => e)), 'no answer in time');
      c.close();
      const refused = new ProcessorClient('default', `http://127.0.0.1:${await freePort()}`, kind);
      assert.equal(describeFailure(await refused.lookup('x', 1000).catch((e: unknown) => e)), 'ECONNREFUSED');
      refused.close();
      const anonymous = new ProcessorClient('default', url, kind);
      assert.equal(describeFailure(await anonymous.adminSummary().catch((e: unknown) => e)), 'GET /admin/payments-summary answered HTTP 401 (check PROCESSOR_ADMIN_TOKEN)');
      anonymous.close();
    });

    test('keeps connections alive across calls', async () => {
      const c = client();
      let connections = 0;
      const count = () => connections++;
      server.on('connection', count);
      for (let i = 0; i < 20; i++) await c.pay('200', 1990, 0, 1000);
      server.off('connection', count);
      assert.ok(connections <= 1, `${connections} connections for 20 sequential calls`);
      c.close();
    });
  });
}
