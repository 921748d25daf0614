import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { log } from '../log.ts';
import { HttpError, sendJson } from './errors.ts';
import { Router } from './router.ts';

const LIMIT = 64;
let server: http.Server;
let base: { host: string; port: number };

before(async () => {
  log.configure('CRITICAL', 'router test'); // the 500 below is logged on purpose
  const router = new Router(LIMIT)
    .on('GET', '/echo', (_req, res, query) => sendJson(res, 200, { a: query.get('a'), b: query.getAll('b') }))
    .on('POST', '/echo', async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      sendJson(res, 200, { body });
    })
    .on('GET', '/refuse', () => {
      throw new HttpError(418, 'a teapot, on purpose', { 'X-Why': 'test' });
    })
    .on('GET', '/reject', async () => {
      throw new HttpError(409, 'rejected, on purpose');
    })
    .on('GET', '/bug', () => {
      throw new Error('secret internals');
    })
    .on('POST', '/only-post', (_req, res) => sendJson(res, 200, {}))
    .on('GET', '/own-head', (_req, res) => sendJson(res, 200, {}))
    .on('HEAD', '/own-head', (_req, res) => {
      res.writeHead(204).end();
    });
  server = http.createServer();
  router.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
});

after(() => {
  server.closeAllConnections();
  server.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Whether the server said "100 Continue" before answering. */
  continued: boolean;
}

/** One request; with `expectContinue`, the body is sent only if the server says 100 Continue. */
function request(method: string, path: string, body?: string, options: { expectContinue?: boolean; declaredLength?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) headers['Content-Length'] = options.declaredLength ?? Buffer.byteLength(body);
    if (options.expectContinue) headers.Expect = '100-continue';
    let continued = false;
    const req = http.request({ ...base, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null, continued }));
    });
    req.on('error', reject);
    if (options.expectContinue) {
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
    } else {
      req.end(body);
    }
  });
}

describe('Router', () => {
  test('a known method and path reach their handler, with the query parsed', async () => {
    const answer = await request('GET', '/echo?a=1&b=x&b=y%20z');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { a: '1', b: ['x', 'y z'] });
  });

  test('routes match the exact path: an unknown one is a 404 naming it, query aside', async () => {
    for (const path of ['/nope', '/echo/', '/ECHO', '/echo/more?a=1']) {
      const answer = await request('GET', path);
      assert.equal(answer.status, 404, path);
      assert.deepEqual(answer.body, { error: `no route for ${path.split('?')[0]}` });
    }
  });

  test('a known path with another method is a 405 that lists the allowed ones in Allow', async () => {
    const answer = await request('DELETE', '/echo');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, 'GET, HEAD, POST');
    assert.deepEqual(answer.body, { error: 'DELETE not allowed on /echo; use GET, HEAD, POST' });
  });

  test("HEAD is answered by the path's GET handler: its status and headers, no body", async () => {
    const get = await request('GET', '/echo?a=1');
    const head = await request('HEAD', '/echo?a=1');
    assert.equal(head.status, 200);
    assert.equal(head.body, null, 'no body');
    assert.equal(head.headers['content-length'], get.headers['content-length'], 'the length GET would send');
    assert.equal((await request('HEAD', '/refuse')).status, 418, 'errors too');
  });

  test('a HEAD handler of its own wins over GET, and Allow names HEAD once', async () => {
    assert.equal((await request('HEAD', '/own-head')).status, 204);
    assert.equal((await request('DELETE', '/own-head')).headers.allow, 'GET, HEAD');
  });

  test('HEAD on a path without GET is a 405', async () => {
    const answer = await request('HEAD', '/only-post');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, 'POST');
  });

  test('an HttpError, thrown or rejected, is answered with its status, message and headers', async () => {
    const thrown = await request('GET', '/refuse');
    assert.equal(thrown.status, 418);
    assert.equal(thrown.headers['x-why'], 'test');
    assert.deepEqual(thrown.body, { error: 'a teapot, on purpose' });
    const rejected = await request('GET', '/reject');
    assert.equal(rejected.status, 409);
    assert.deepEqual(rejected.body, { error: 'rejected, on purpose' });
  });

  test('any other error is a generic 500 that shows nothing of it', async () => {
    const answer = await request('GET', '/bug');
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, { error: 'internal error' });
  });

  test('with Expect: 100-continue, a body within the limit is invited and reaches the handler', async () => {
    const answer = await request('POST', '/echo', '{"fits":true}', { expectContinue: true });
    assert.equal(answer.continued, true, 'no 100 Continue for a body within the limit');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { body: '{"fits":true}' });
  });

  test('with Expect: 100-continue, a body declared over the limit gets its 413 before it is sent', async () => {
    const answer = await request('POST', '/echo', 'x'.repeat(LIMIT + 1), { expectContinue: true });
    assert.equal(answer.continued, false, 'the client was invited to send a body the server refuses');
    assert.equal(answer.status, 413);
    assert.equal(answer.headers.connection, 'close');
    assert.deepEqual(answer.body, { error: `body must be at most ${LIMIT} bytes, got ${LIMIT + 1}` });
  });
});
