import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter } from '../api/app.ts';
import { loadApiConfig } from '../config.ts';
import { startStack, type Stack } from '../testing/stack.ts';
import type { Report } from './report.ts';
import { consistencyRoute } from './route.ts';

/** GET /consistency-check on the public port: deep mode behind a token, reports coalesced. */
let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.close();
});

/** An API with the consistency route, configured with `env`; returns its base URL and a closer. */
async function serve(env: Record<string, string>): Promise<[string, () => void]> {
  const config = loadApiConfig({
    REDIS_URL: stack.redisServer.url,
    DEFAULT_PROCESSOR_URL: stack.processors.default.url,
    FALLBACK_PROCESSOR_URL: stack.processors.fallback.url,
    PROCESSOR_ADMIN_TOKEN: '123',
    ...env,
  });
  const router = createRouter(stack.redis, { instance: 't', extend: (r) => r.on('GET', '/consistency-check', consistencyRoute(stack.redis, config)) });
  const server = http.createServer(router.handle).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return [`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => (server.closeAllConnections(), server.close())];
}

async function get(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: token === undefined ? {} : { 'X-Consistency-Token': token } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /consistency-check access', () => {
  test('deep mode without CONSISTENCY_TOKEN configured is refused with 403 naming the variable', async () => {
    const [url, close] = await serve({});
    try {
      const res = await get(`${url}/consistency-check?deep=1`, 'anything');
      assert.equal(res.status, 403);
      assert.match(String(res.body.error), /CONSISTENCY_TOKEN/);
    } finally {
      close();
    }
  });

  test('deep mode with a missing or wrong X-Consistency-Token is refused with 401', async () => {
    const [url, close] = await serve({ CONSISTENCY_TOKEN: 's3cret' });
    try {
      for (const token of [undefined, 'wrong', 's3cret-and-more']) {
        const res = await get(`${url}/consistency-check?deep=1`, token);
        assert.equal(res.status, 401, `token ${token}`);
        assert.match(String(res.body.error), /X-Consistency-Token/);
      }
    } finally {
      close();
    }
  });

  test('deep mode with the right token answers the report with its lookups', async () => {
    const [url, close] = await serve({ CONSISTENCY_TOKEN: 's3cret' });
    try {
      const res = await get(`${url}/consistency-check?deep=1`, 's3cret');
      assert.equal(res.status, 200);
      const report = res.body as unknown as Report;
      assert.ok(report.deep && 'sampled' in report.deep, 'deep section present');
    } finally {
      close();
    }
  });

  test('the plain report needs no token, and without one names no payment', async () => {
    await stack.pay(3); // no worker: they wait in the queue, so the report's sample would name them
    const [url, close] = await serve({ CONSISTENCY_TOKEN: 's3cret' });
    try {
      const open = await get(`${url}/consistency-check`);
      assert.equal(open.status, 200);
      const report = open.body as unknown as Report;
      assert.equal(report.sentNotProcessed.count, 3);
      assert.deepEqual(report.sentNotProcessed.sample, [], 'no correlationIds without the token');
      const full = (await get(`${url}/consistency-check`, 's3cret')).body as unknown as Report;
      assert.equal(full.sentNotProcessed.sample.length, 3, 'the token shows them');
    } finally {
      close();
      await fetch(`${stack.api}/purge-payments`, { method: 'POST' });
    }
  });

  test('concurrent requests share one report instead of building one each', async () => {
    const [url, close] = await serve({ CONSISTENCY_TOKEN: 's3cret' });
    try {
      // Redis held still for a moment, so every request arrives while the first report is being built.
      stack.redisServer.pause();
      const pending = Array.from({ length: 10 }, (_, i) => get(`${url}/consistency-check`, i % 2 ? 's3cret' : undefined));
      await sleep(500);
      stack.redisServer.resume();
      const reports = await Promise.all(pending);
      assert.deepEqual([...new Set(reports.map((r) => r.status))], [200]);
      const built = new Set(reports.map((r) => r.body.generatedAt));
      assert.equal(built.size, 1, `built ${built.size} reports for 10 concurrent requests`);
    } finally {
      close();
    }
  });

  test('make consistency DEEP=1 sends CONSISTENCY_TOKEN from the environment and prints the deep check', async () => {
    const [url, close] = await serve({ CONSISTENCY_TOKEN: 'cli-token' });
    try {
      const run = (token: string) =>
        new Promise<{ code: number; out: string }>((resolve) => {
          execFile(process.execPath, ['--import', 'tsx', 'src/consistency/cli.ts', '--deep'], { env: { ...process.env, BACKEND_URL: url, CONSISTENCY_TOKEN: token } }, (err, stdout, stderr) =>
            resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr }),
          );
        });
      const ok = await run('cli-token');
      assert.notEqual(ok.code, 2, ok.out);
      assert.match(ok.out, /Deep check/);
      const refused = await run('wrong');
      assert.equal(refused.code, 2);
      assert.match(refused.out, /HTTP 401/);
    } finally {
      close();
    }
  });
});
