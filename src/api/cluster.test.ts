import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from '../testing/api-process.ts';
import { startRedis, type TestRedis } from '../testing/redis-server.ts';

/** WORKERS=2: one API instance as two processes sharing its port (node:cluster). */
let redis: TestRedis;
let api: ChildProcess;
let url: string;

before(async () => {
  redis = await startRedis();
  ({ url, child: api } = await startApiProcess({ WORKERS: '2', REDIS_URL: redis.url, INSTANCE: 'cluster' }));
});
after(async () => {
  if (api.exitCode === null) api.kill('SIGKILL');
  await redis.stop();
});

test('with WORKERS=2 the instance answers, and SIGTERM stops every process cleanly', async () => {
  const statuses = await Promise.all(
    Array.from({ length: 20 }, () =>
      fetch(`${url}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: randomUUID(), amount: 1 }) }).then((r) => r.status),
    ),
  );
  assert.deepEqual([...new Set(statuses)], [202]);
  api.kill('SIGTERM');
  const [code] = await once(api, 'exit');
  assert.equal(code, 0, 'the primary waited for its processes and exited cleanly');
});

test('with WORKERS=2 on a unix socket, SIGTERM withdraws the socket path and every process exits cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-'));
  const socketPath = join(dir, 'api.sock');
  const onSocket = await startApiProcess({ WORKERS: '2', SOCKET_PATH: socketPath, REDIS_URL: redis.url, INSTANCE: 'cluster-socket' });
  assert.equal(await onSocket.status('/ready'), 200, 'the instance answers on its socket');
  onSocket.child.kill('SIGTERM');
  const [code] = await once(onSocket.child, 'exit');
  assert.equal(existsSync(socketPath), false, 'the socket path is gone');
  assert.equal(code, 0, 'the primary withdrew the path, waited for its processes and exited cleanly');
  rmSync(dir, { recursive: true, force: true });
});
