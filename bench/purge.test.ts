import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeBackend, purgeToken } from './purge.ts';

let root = '';
let server: Server;
let base = '';
const seen: (string | undefined)[] = [];

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'purge-'));
  // A backend that purges only with the token "s3cret", like the API with PURGE_TOKEN=s3cret.
  server = createServer((req, res) => {
    const token = req.headers['x-purge-token'] as string | undefined;
    seen.push(token);
    res.writeHead(token === 's3cret' ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(token === 's3cret' ? '{"message":"All payments purged."}' : '{"error":"purge needs the X-Purge-Token header to match PURGE_TOKEN"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

function withEnv(value: string | undefined, body: () => Promise<void>): Promise<void> {
  const saved = process.env.PURGE_TOKEN;
  if (value === undefined) delete process.env.PURGE_TOKEN;
  else process.env.PURGE_TOKEN = value;
  return body().finally(() => (saved === undefined ? delete process.env.PURGE_TOKEN : (process.env.PURGE_TOKEN = saved)));
}

test('a PURGE_TOKEN kept only in .env is sent as X-Purge-Token', () =>
  withEnv(undefined, async () => {
    writeFileSync(join(root, '.env'), 'PURGE_TOKEN=s3cret\n');
    assert.equal(purgeToken(root), 's3cret');
    await purgeBackend(base, root);
    assert.equal(seen.at(-1), 's3cret');
  }));

test('the environment wins over .env, as with compose', () =>
  withEnv('other', async () => {
    writeFileSync(join(root, '.env'), 'PURGE_TOKEN=s3cret\n');
    assert.equal(purgeToken(root), 'other');
  }));

test('no token anywhere: the purge is sent bare', () =>
  withEnv(undefined, async () => {
    rmSync(join(root, '.env'), { force: true });
    assert.equal(purgeToken(root), undefined);
    await assert.rejects(purgeBackend(base, root), /answered 401: .*X-Purge-Token/);
    assert.equal(seen.at(-1), undefined);
  }));

test('an empty PURGE_TOKEN in the environment means none, over .env, as for the API: no header is sent', () =>
  withEnv('', async () => {
    writeFileSync(join(root, '.env'), 'PURGE_TOKEN=s3cret\n');
    assert.equal(purgeToken(root), undefined);
    await assert.rejects(purgeBackend(base, root), /answered 401/);
    assert.equal(seen.at(-1), undefined);
  }));
