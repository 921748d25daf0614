import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { internalModulesLoadedBy } from '../testing/modules.ts';
import { createDrainableServer } from './drain.ts';

test('the API server module does not load undici: serving HTTP needs none of native fetch', () => {
  assert.deepEqual(internalModulesLoadedBy('src/http/drain.ts', 'undici'), []);
});

/**
 * A client in its own process: connects to the unix socket, sends one GET, touches
 * `marker` once the request is written, and prints whatever comes back.
 */
const CLIENT = `
const net = require('node:net');
const fs = require('node:fs');
const [path, marker] = process.argv.slice(1);
let got = '';
const socket = net.connect(path, () => socket.write('GET / HTTP/1.1\\r\\nHost: api\\r\\n\\r\\n', () => fs.writeFileSync(marker, '')));
socket.on('data', (chunk) => (got += chunk));
socket.on('error', (err) => (got += 'error ' + err.code));
socket.on('close', () => process.stdout.write(got || 'closed without an answer'));
`;

/** Blocks this event loop until `file` exists, so connections wait unaccepted in the listen backlog. */
function blockUntilExists(file: string, timeoutMs: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + timeoutMs; !existsSync(file); Atomics.wait(pause, 0, 0, 5)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
  }
}

/** A drainable server answering "served" on a unix socket in a fresh directory; `cleanup` removes the directory. */
async function servedOnSocket() {
  const dir = mkdtempSync(join(tmpdir(), 'drain-'));
  const path = join(dir, 'api.sock');
  const { server, drain } = createDrainableServer((_req, res) => res.end('served'));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { dir, path, drain, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('draining a server on a unix socket', () => {
  test('a request queued in the backlog when the drain begins is answered, with Connection: close', async () => {
    const { dir, path, drain, cleanup } = await servedOnSocket();
    const client = spawn(process.execPath, ['-e', CLIENT, path, join(dir, 'sent')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let answer = '';
    client.stdout.on('data', (chunk: Buffer) => (answer += chunk));
    const exited = new Promise((resolve) => client.on('exit', resolve));
    // The client connects and sends while this loop cannot accept; the drain begins before it can.
    blockUntilExists(join(dir, 'sent'), 10_000);
    const drained = drain(2_000);
    await exited;
    await drained;
    cleanup();
    assert.match(answer, /^HTTP\/1\.1 200 /, `the client got: ${answer}`);
    assert.match(answer, /\r\nConnection: close\r\n/i, 'the balancer is told to drop the connection');
    assert.match(answer, /served$/);
  });

  test('once the drain begins the socket path is gone: a new connection fails before anything is sent', async () => {
    const { path, drain, cleanup } = await servedOnSocket();
    const drained = drain(2_000);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(path, () => resolve('connected'));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    await drained;
    cleanup();
    assert.equal(refused, 'ENOENT', 'a balancer gets ENOENT and tries the other instance');
  });
});
