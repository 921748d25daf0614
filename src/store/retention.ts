import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { BUCKET_MS, keys, type Processor } from './keys.ts';
import { integer, text } from './reply.ts';

/**
 * Moves up to ARGV[3] log members with requestedAt before ARGV[1] into the
 * folded hash: per 100 ms bucket, "offset:cents," per payment (~8 bytes where a
 * log member costs ~100), enough for summaries exact to the millisecond.
 * The members taken are the lowest-scored, so ZREMRANGEBYRANK removes exactly them.
 * allow-oom: it frees more than it writes, and must run when Redis is full.
 */
export const foldScript = new Script(
  'fold',
  `#!lua flags=allow-oom
local width = tonumber(ARGV[2])
local taken = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
if #taken == 0 then return 0 end
local adds, order = {}, {}
for i = 1, #taken, 2 do
  local ms = tonumber(taken[i + 1])
  local bucket = math.floor(ms / width)
  if not adds[bucket] then
    adds[bucket] = {}
    order[#order + 1] = bucket
  end
  local list = adds[bucket]
  list[#list + 1] = (ms - bucket * width) .. ':' .. string.match(taken[i], '|(%d+)$') .. ','
end
for _, bucket in ipairs(order) do
  local prev = redis.call('HGET', KEYS[2], bucket) or ''
  redis.call('HSET', KEYS[2], bucket, prev .. table.concat(adds[bucket]))
end
local n = #taken / 2
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
redis.call('HINCRBY', KEYS[3], 'folded', n)
return n
`,
);

/**
 * Deletes `done` entries with requestedAt before ARGV[1], each with its
 * `accepted` entry, from one HSCAN step of ARGV[2] fields; the cursor lives in
 * Redis so any worker continues the pass. Bounded work per call.
 * Replies {done entries pruned, cursor}.
 */
export const pruneScript = new Script(
  'prune',
  `#!lua flags=allow-oom
local horizon = tonumber(ARGV[1])
local cursor = redis.call('HGET', KEYS[3], 'cursor') or '0'
local step = redis.call('HSCAN', KEYS[1], cursor, 'COUNT', tonumber(ARGV[2]))
local done, accepted = 0, 0
for i = 1, #step[2], 2 do
  local ms = tonumber(string.match(step[2][i + 1], '^[^|]*|(%d+)|'))
  if ms and ms < horizon then
    done = done + redis.call('HDEL', KEYS[1], step[2][i])
    accepted = accepted + redis.call('HDEL', KEYS[2], step[2][i])
  end
end
redis.call('HSET', KEYS[3], 'cursor', step[1])
if done > 0 then redis.call('HINCRBY', KEYS[3], 'done', done) end
if accepted > 0 then redis.call('HINCRBY', KEYS[3], 'accepted', accepted) end
return {done, step[1]}
`,
);

/** Log members folded per script run, at most. */
export const FOLD_BATCH = 500;
const PRUNE_STEP = 500;

/** Folds up to FOLD_BATCH members older than the horizon; returns how many. */
export async function fold(redis: RedisConnection, p: Processor, horizonMs: number, limit = FOLD_BATCH): Promise<number> {
  return integer(await foldScript.run(redis, [keys.log(p), keys.folded(p), keys.total(p)], [horizonMs, BUCKET_MS, limit]), 'fold');
}

/** One prune step; returns the number of ids pruned and whether the pass over `done` completed. */
export async function pruneStep(redis: RedisConnection, horizonMs: number, count = PRUNE_STEP): Promise<{ pruned: number; passDone: boolean }> {
  const reply = await pruneScript.run(redis, [keys.done, keys.accepted, keys.retention], [horizonMs, count]);
  if (!Array.isArray(reply) || reply.length !== 2) throw new Error('unexpected reply to prune');
  return { pruned: integer(reply[0]!, 'prune'), passDone: text(reply[1]!, 'prune') === '0' };
}

