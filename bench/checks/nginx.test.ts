import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/testing/redis-server.ts';
import { BODY_LIMIT_BYTES } from '../../src/api/payments.ts';

/**
 * deploy/nginx.conf, run for real on free ports in front of stand-in APIs on its
 * unix sockets: the errors nginx answers itself must be JSON like the API's.
 * proxy_read_timeout is shortened to 1 s here so a 504 comes quickly.
 */
let dir: string;
let nginx: ChildProcess;
let base: string;
const stubs: http.Server[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nginx-json-'));
  chmodSync(dir, 0o755); // nginx's workers run as another user
  const [port, floor] = [await freePort(), await freePort()];
  const conf = readFileSync('deploy/nginx.conf', 'utf8')
    .replaceAll('/sockets/', `${dir}/`)
    .replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`)
    .replace('listen 9999', `listen 127.0.0.1:${port}`)
    .replace('listen 9998', `listen 127.0.0.1:${floor}`)
    .replace('proxy_read_timeout 10s', 'proxy_read_timeout 1s');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  nginx = spawn(bin, ['-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  // Probe the floor server: a probe through the upstream would mark both APIs failed for 2 s.
  for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${floor}/`).then(() => true, () => false)); i++) await sleep(50);
});
after(async () => {
  for (const s of stubs) s.closeAllConnections(), s.close();
  nginx.kill('SIGTERM');
  await once(nginx, 'exit');
  rmSync(dir, { recursive: true, force: true });
});

/** Stand-in APIs on both sockets: `handler` decides what they do. */
async function stubApis(handler: http.RequestListener): Promise<void> {
  for (const name of ['api1', 'api2']) {
    const path = join(dir, `${name}.sock`);
    rmSync(path, { force: true });
    const server = http.createServer(handler).listen(path);
    await once(server, 'listening');
    chmodSync(path, 0o666);
    stubs.push(server);
  }
}

async function stopStubs(): Promise<void> {
  for (const s of stubs.splice(0)) {
    s.closeAllConnections();
    s.close();
    await once(s, 'close');
  }
}

function assertJsonError(res: Response, text: string, status: number, message: RegExp): void {
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `content type of the ${status}`);
  assert.match(String((JSON.parse(text) as { error: string }).error), message);
}

describe('nginx answers its own errors in JSON', () => {
  test('a body over the limit gets a JSON 413', async () => {
    const res = await fetch(`${base}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(20_000) });
    assertJsonError(res, await res.text(), 413, /at most 4096 bytes/);
  });

  test("a body one byte over the API's limit is refused by nginx with the API's own message", async () => {
    await stubApis((_req, res) => res.writeHead(202).end('{}'));
    try {
      const body = 'x'.repeat(BODY_LIMIT_BYTES + 1);
      const res = await fetch(`${base}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      assertJsonError(res, await res.text(), 413, new RegExp(`at most ${BODY_LIMIT_BYTES} bytes`));
    } finally {
      await stopStubs();
    }
  });

  test('Expect: 100-continue with a Content-Length over the limit gets the JSON 413, not 100 first', async () => {
    const url = new URL(base);
    const outcome = await new Promise<{ continued: boolean; status: number; type: string; body: string }>((resolve, reject) => {
      let continued = false;
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/payments', headers: { 'Content-Type': 'application/json', 'Content-Length': '100000', Expect: '100-continue' } });
      req.on('continue', () => (continued = true));
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ continued, status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(outcome.continued, false);
    assert.equal(outcome.status, 413);
    assert.match(outcome.type, /application\/json/);
    assert.match(JSON.parse(outcome.body).error, /at most 4096 bytes/);
  });

  test('an API that does not answer in time gets a JSON 504', { timeout: 20_000 }, async () => {
    await stubApis(() => undefined); // accepts, never answers
    try {
      const res = await fetch(`${base}/payments-summary`);
      assertJsonError(res, await res.text(), 504, /did not answer in time/);
    } finally {
      await stopStubs();
    }
  });

  test('no API reachable gets a JSON 502', async () => {
    for (const name of ['api1', 'api2']) rmSync(join(dir, `${name}.sock`), { force: true });
    const res = await fetch(`${base}/payments-summary`);
    assertJsonError(res, await res.text(), 502, /no API instance reachable/);
  });

  test("an API's own error passes through unchanged", async () => {
    await sleep(2100); // past fail_timeout, so nginx tries the APIs again
    await stubApis((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end('{"error":"payment store unavailable, retry later"}');
    });
    try {
      const res = await fetch(`${base}/payments-summary`);
      assert.equal(res.status, 503);
      assert.equal(await res.text(), '{"error":"payment store unavailable, retry later"}');
      assert.equal(res.headers.get('retry-after'), '1');
    } finally {
      await stopStubs();
    }
  });
});
