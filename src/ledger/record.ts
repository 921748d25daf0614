import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { BUCKET_MS, keys, type Processor, type QueuedPayment } from '../store/keys.ts';

/**
 * Writes a processed payment into the ledger and releases it from the worker's
 * in-flight list, atomically. The `done` hash makes a second record a no-op,
 * so a replayed record (e.g. after an uncertain Redis reply) never counts twice.
 */
export const recordScript = new Script(
  'record',
  `
local id, processor, ms, cents = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local fresh = redis.call('HSETNX', KEYS[1], id, processor .. '|' .. ARGV[3] .. '|' .. ARGV[4])
if fresh == 1 then
  local bucket = math.floor(ms / tonumber(ARGV[6]))
  redis.call('ZADD', KEYS[2], ms, id .. '|' .. ARGV[4])
  redis.call('HINCRBY', KEYS[3], bucket, 1)
  redis.call('HINCRBY', KEYS[4], bucket, cents)
  redis.call('HINCRBY', KEYS[5], 'count', 1)
  redis.call('HINCRBY', KEYS[5], 'cents', cents)
end
redis.call('LREM', KEYS[6], 1, ARGV[5])
redis.call('HDEL', KEYS[7], id)
redis.call('HDEL', KEYS[8], id)
return fresh
`,
);

export interface LedgerEntry {
  processor: Processor;
  requestedAtMs: number;
  cents: number;
}

/** Returns false when the payment was already in the ledger. */
export async function record(redis: RedisConnection, worker: string, payment: QueuedPayment, entry: LedgerEntry): Promise<boolean> {
  const p = entry.processor;
  const reply = await recordScript.run(
    redis,
    [keys.done, keys.log(p), keys.bucketCount(p), keys.bucketCents(p), keys.total(p), keys.inflight(worker), keys.attempts, keys.settling],
    [payment.id, p, entry.requestedAtMs, entry.cents, payment.entry, BUCKET_MS],
  );
  return reply === 1;
}
