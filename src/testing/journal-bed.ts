import { after, afterEach, before, beforeEach } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { RedisConnection } from '../redis/connection.ts';
import { flushAll } from '../store/inspect.ts';
import { loadScripts } from '../store/scripts.ts';
import { connectTestRedis, type TestRedis } from './redis-server.ts';

/**
 * For the journal's tests: one redis-server for the file, emptied (scripts
 * loaded again) before each test, and a fresh journal directory per test.
 */
export function journalBed(): { redis(): RedisConnection; dir(): string } {
  let server: TestRedis;
  let redis: RedisConnection;
  let dir: string;
  before(async () => {
    ({ server, redis } = await connectTestRedis());
  });
  after(() => redis.close().then(() => server.stop()));
  beforeEach(async () => {
    await flushAll(redis);
    await loadScripts(redis);
    dir = fs.mkdtempSync(join(os.tmpdir(), 'journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { redis: () => redis, dir: () => dir };
}
