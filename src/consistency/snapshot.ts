import type { RedisArg } from '../redis/encode.ts';
import type { RedisConnection, RedisReply } from '../redis/connection.ts';
import { keys } from '../store/keys.ts';

/** SCAN calls of COUNT 100: the keyspace holds a few dozen keys, this only bounds a surprise. */
const MAX_SCANS = 10;

/**
 * MULTI/EXEC for a consistent read. Every command is handed to the connection in
 * this one synchronous loop, so no other request's command can land inside it.
 */
export async function transaction(redis: RedisConnection, commands: RedisArg[][]): Promise<RedisReply[]> {
  const sent = [['MULTI'], ...commands, ['EXEC']].map((c) => redis.send(c));
  const results = await Promise.allSettled(sent);
  const failed = results.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const exec = (results[results.length - 1] as PromiseFulfilledResult<RedisReply>).value;
  if (!Array.isArray(exec)) throw new Error('consistency snapshot: MULTI/EXEC was aborted');
  return exec;
}

/** In-flight lists (including those of dead workers) and live worker heartbeats, by a bounded SCAN. */
export async function scanKeys(redis: RedisConnection): Promise<{ inflight: string[]; workers: string[] }> {
  const found = new Set<string>();
  let cursor = '0';
  for (let i = 0; i < MAX_SCANS; i++) {
    const [next, batch] = (await redis.send(['SCAN', cursor, 'COUNT', 100])) as [string, string[]];
    for (const key of batch) found.add(key);
    cursor = next;
    if (cursor === '0') break;
  }
  const all = [...found].sort();
  return { inflight: all.filter((k) => k.startsWith(keys.inflight(''))), workers: all.filter((k) => k.startsWith(keys.worker(''))) };
}
