import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { encodeEntry, keys } from './keys.ts';

/**
 * Accepts a payment in one atomic step: refuse a known id, else record it as
 * accepted and queue it. One EVALSHA: the single Redis round trip of POST /payments.
 */
export const enqueueScript = new Script(
  'enqueue',
  `
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if not prev then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[4])
  redis.call('LPUSH', KEYS[2], ARGV[3])
  return 1
end
if string.match(prev, '^%d+') == ARGV[2] then
  redis.call('HINCRBY', KEYS[3], 'replayed', 1)
  return 0
end
redis.call('HINCRBY', KEYS[3], 'refused', 1)
return -1
`,
);

export type EnqueueResult = 'accepted' | 'replayed' | 'conflict';

export async function enqueue(redis: RedisConnection, id: string, cents: number, nowMs: number): Promise<EnqueueResult> {
  const reply = await enqueueScript.run(redis, [keys.accepted, keys.queue, keys.stats], [id, cents, encodeEntry(id, cents, nowMs), nowMs]);
  return reply === 1 ? 'accepted' : reply === 0 ? 'replayed' : 'conflict';
}
