import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { encodeEntry, keys } from './keys.ts';
import { integer, strings, text } from './reply.ts';

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

/**
 * Moves up to ARGV[1] entries (every one when ARGV[1] is negative) from the
 * tail of one list to the head of another, atomically: take() from the queue
 * into a worker's in-flight list, and adoption of another worker's list.
 * allow-oom: moving an entry between lists needs no new memory, and a full Redis
 * must not stop the worker from draining the queue into the books.
 */
export const moveScript = new Script(
  'move',
  `#!lua flags=allow-oom
local limit = tonumber(ARGV[1])
local out = {}
while limit < 0 or #out < limit do
  local entry = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not entry then break end
  out[#out + 1] = entry
end
return out
`,
);

export type EnqueueResult = 'accepted' | 'replayed' | 'conflict';

export async function enqueue(redis: RedisConnection, id: string, cents: number, nowMs: number): Promise<EnqueueResult> {
  const reply = integer(await enqueueScript.run(redis, [keys.accepted, keys.queue, keys.stats], [id, cents, encodeEntry(id, cents, nowMs), nowMs]), 'enqueue');
  return reply === 1 ? 'accepted' : reply === 0 ? 'replayed' : 'conflict';
}

/**
 * Up to `count` queued entries, oldest first, moved into `worker`'s in-flight
 * list in one script run (one round trip per batch); none when the queue is empty.
 */
export async function take(redis: RedisConnection, worker: string, count: number): Promise<string[]> {
  return strings(await moveScript.run(redis, [keys.queue, keys.inflight(worker)], [count]), 'take');
}

/**
 * Waits up to `timeoutSeconds` for one entry and moves it into `worker`'s
 * in-flight list (BLMOVE): for its own connection, since it blocks. Null on timeout.
 * Past maxmemory Redis refuses it (isOutOfMemory): a script cannot block, so poll take() then.
 */
export async function waitAndTake(blocking: RedisConnection, worker: string, timeoutSeconds: number): Promise<string | null> {
  return text(await blocking.send(['BLMOVE', keys.queue, keys.inflight(worker), 'RIGHT', 'LEFT', timeoutSeconds]), 'BLMOVE');
}
