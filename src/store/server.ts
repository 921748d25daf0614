import type { RedisConnection } from '../redis/connection.ts';

/** What the Redis server says about itself: reachable or not, memory, persistence. */

/** Resolves when Redis answers a PING; rejects as the connection does. */
export async function ping(redis: RedisConnection): Promise<void> {
  await redis.send(['PING']);
}

export interface MemoryFigures {
  usedBytes: number;
  /** 0: no limit. */
  maxBytes: number;
}

/** used_memory and maxmemory, from INFO memory. */
export async function memoryFigures(redis: RedisConnection): Promise<MemoryFigures> {
  const info = String(await redis.send(['INFO', 'memory']));
  return { usedBytes: infoField(info, 'used_memory'), maxBytes: infoField(info, 'maxmemory') };
}

/** Starts an append-only-file rewrite when AOF is on; a failure to start one is ignored (it is an optimisation). */
export async function rewriteAppendOnlyFile(redis: RedisConnection): Promise<void> {
  const persistence = await redis.send(['INFO', 'persistence']).catch(() => '');
  if (String(persistence).includes('aof_enabled:1')) await redis.send(['BGREWRITEAOF']).catch(() => undefined);
}

/** INFO commandstats, as Redis words it: calls and time per command. */
export async function commandStats(redis: RedisConnection): Promise<string> {
  return String(await redis.send(['INFO', 'commandstats']));
}

function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}
