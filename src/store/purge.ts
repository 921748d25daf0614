import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { keys } from './keys.ts';

/**
 * Empties queue, in-flight lists, ledger and duplicate keys in one atomic step,
 * and bumps the purge counter. What was in flight is gone from these books for
 * good: the ledger only records a payment still in its worker's in-flight list,
 * and a worker that sees the counter move (within a heartbeat, 1 s) drops the
 * payments it holds that are no longer in that list, before calling a processor again.
 * KEYS is fine here: the keyspace holds a few dozen keys, and purge is a test's setup.
 */
const script = new Script(
  'purge',
  `
local removed = 0
for _, pattern in ipairs({'payments:*', 'ledger:*'}) do
  for _, key in ipairs(redis.call('KEYS', pattern)) do
    removed = removed + redis.call('DEL', key)
  end
end
redis.call('INCR', KEYS[1])
return removed
`,
);

export async function purge(redis: RedisConnection): Promise<number> {
  const removed = Number(await script.run(redis, [keys.purges], []));
  // Compact the append-only file now, while the dataset is empty and the fork is
  // cheap, rather than let an automatic rewrite fork Redis in the middle of a test.
  const persistence = await redis.send(['INFO', 'persistence']).catch(() => '');
  if (String(persistence).includes('aof_enabled:1')) await redis.send(['BGREWRITEAOF']).catch(() => undefined);
  return removed;
}
