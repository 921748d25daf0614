import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { keys } from './keys.ts';
import { integer } from './reply.ts';
import { rewriteAppendOnlyFile } from './server.ts';

/**
 * Empties queue, in-flight lists, ledger and duplicate keys in one atomic step,
 * and bumps the purge counter. What was in flight is gone from these books for
 * good: the ledger only records a payment still in its worker's in-flight list,
 * and a worker that sees the counter move (within a heartbeat, 1 s) drops the
 * payments it holds that are no longer in that list, before calling a processor again.
 * Journal lines not yet in the queue are dropped by their time (purged-at: ingest drops
 * every payment accepted up to the purge's millisecond).
 * KEYS is fine here: the keyspace holds a few dozen keys, and purge is a test's setup.
 */
export const purgeScript = new Script(
  'purge',
  `
local removed = 0
for _, pattern in ipairs(ARGV) do
  for _, key in ipairs(redis.call('KEYS', pattern)) do
    removed = removed + redis.call('DEL', key)
  end
end
redis.call('INCR', KEYS[1])
local now = redis.call('TIME')
redis.call('SET', KEYS[2], now[1] * 1000 + math.floor(now[2] / 1000))
return removed
`,
);

export async function purge(redis: RedisConnection): Promise<number> {
  const removed = integer(await purgeScript.run(redis, [keys.purges, keys.purgedAt], keys.purged), 'purge');
  // Compact the append-only file now, while the dataset is empty and the fork is
  // cheap, rather than let an automatic rewrite fork Redis in the middle of a test.
  await rewriteAppendOnlyFile(redis);
  return removed;
}
