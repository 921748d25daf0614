import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisConnection } from '../redis/connection.ts';
import { startApiProcess } from '../testing/api-process.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { forgetScripts, scriptsCached } from './inspect.ts';
import { SCRIPTS } from './scripts.ts';

/** One registry of Lua scripts, and every process loads all of it at start. */
let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis());
});
after(() => redis.close().then(() => server.stop()));

/** The source files of src/, tests left out. */
function sources(dir = join(import.meta.dirname, '..')): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

test('every Lua script the service defines is in the registry, once, and all are defined in src/store', () => {
  const defined = sources().flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/new Script\(\s*'([^']+)'/g)].map((m) => ({ file, name: m[1]! })));
  const outside = defined.filter((d) => !d.file.includes(`${join('src', 'store')}/`));
  assert.deepEqual(outside, [], 'scripts defined outside src/store');
  assert.deepEqual(SCRIPTS.map((s) => s.name).sort(), defined.map((d) => d.name).sort(), 'the registry lists exactly the scripts defined');
  assert.equal(new Set(SCRIPTS.map((s) => s.sha)).size, SCRIPTS.length, 'no script is listed twice');
});

async function allCached(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cached = await scriptsCached(redis, SCRIPTS.map((s) => s.sha));
    if (cached.every(Boolean)) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

test('the API process loads every script at start', async () => {
  await forgetScripts(redis);
  const { child } = await startApiProcess({ REDIS_URL: server.url, INSTANCE: 'scripts', LOG_LEVEL: 'CRITICAL' });
  try {
    assert.equal(await allCached(2000), true, 'the API left scripts out');
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});

test('the worker process loads every script at start', async () => {
  await forgetScripts(redis);
  const nowhere = 'http://127.0.0.1:9'; // its processors are not needed to start
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    env: { ...process.env, REDIS_URL: server.url, DEFAULT_PROCESSOR_URL: nowhere, FALLBACK_PROCESSOR_URL: nowhere, INSTANCE: 'scripts', LOG_LEVEL: 'CRITICAL' },
    stdio: 'ignore',
  });
  try {
    assert.equal(await allCached(10_000), true, 'the worker left scripts out');
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});
