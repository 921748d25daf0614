import type { RedisConnection } from '../redis/connection.ts';
import { cursorPage } from './reply.ts';

/** SCAN calls of COUNT 100: the keyspace holds a few dozen keys, this only bounds a surprise. */
const MAX_SCANS = 10;

/**
 * Keys matching `match` (every key when null), by a bounded SCAN: at most
 * MAX_SCANS calls, each O(100). Sorted, without the duplicates SCAN may return.
 */
export async function scanKeys(redis: RedisConnection, match: string | null): Promise<string[]> {
  const found = new Set<string>();
  const filter = match === null ? [] : ['MATCH', match];
  let cursor = '0';
  for (let i = 0; i < MAX_SCANS; i++) {
    const page = cursorPage(await redis.send(['SCAN', cursor, ...filter, 'COUNT', 100]), 'SCAN');
    for (const key of page.items) found.add(key);
    cursor = page.cursor;
    if (cursor === '0') break;
  }
  return [...found].sort();
}
