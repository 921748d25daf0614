import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { promisify } from 'node:util';
import { readState } from './state.ts';

const run = promisify(execFile);
const stack = (command: string) => run(process.execPath, ['--import', 'tsx', 'bench/standin/local/stack.ts', command], { env: { ...process.env, KEEP: '' }, timeout: 60_000 });

test("make up refuses, starting nothing, while something other than this checkout's nginx answers on :9999", async () => {
  await stack('down');
  // Another stack's nginx, as far as make up can tell: anything answering HTTP there.
  const other = http.createServer((_req, res) => res.end('{}')).listen(9999, '127.0.0.1');
  await once(other, 'listening');
  try {
    const up = await stack('up').then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    assert.ok(up, 'make up exited 0');
    assert.equal(up.code, 1);
    assert.match(up.stderr, /^make up failed: :9999 already answers, not from this checkout's nginx: another stack holds it \(make down there first\)$/m);
    assert.deepEqual(readState(), []);
  } finally {
    other.close();
  }
});
