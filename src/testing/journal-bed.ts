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
export function journalBed(): { redis: RedisConnection; dir: string } {
  let server: TestRedis;
  const bed = {} as { redis: RedisConnection; dir: string };
  before(async () => {
    ({ server, redis: bed.redis } = await connectTestRedis());
  });
  after(() => bed.redis.close().then(() => server.stop()));
  beforeEach(async () => {
    await flushAll(bed.redis);
    await loadScripts(bed.redis);
    bed.dir = fs.mkdtempSync(join(os.tmpdir(), 'journal-'));
  });
  afterEach(() => fs.rmSync(bed.dir, { recursive: true, force: true }));
  return bed;
}
