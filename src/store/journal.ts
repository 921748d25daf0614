import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { keys } from './keys.ts';
import { integers, strings, text } from './reply.ts';

/**
 * Moves journal lines into the queue, exactly once: the segment's offset in
 * Redis moves in the same atomic step, and only from the offset the tailer read
 * from (else it answers {-1, offset} and nothing happens: another tailer, or an
 * uncertain earlier run, got there first). Each line is what enqueue() does for
 * POST /payments without a journal: a known id with the same amount is a replay,
 * with another amount refused; a line accepted at or before the last purge is dropped.
 * A deleted segment's offset is DELETED (-1), which no tailer's offset matches.
 */
export const ingestScript = new Script(
  'ingest',
  `
local at = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if at ~= tonumber(ARGV[2]) then return {-1, at} end
local cutoff = tonumber(redis.call('GET', KEYS[5]) or '0')
local queued, replayed, refused, malformed, purged = 0, 0, 0, 0, 0
for i = 4, #ARGV do
  local id, cents, accepted = string.match(ARGV[i], '^([^|]+)|(%d+)|(%d+)$')
  if not id then
    malformed = malformed + 1
  elseif tonumber(accepted) <= cutoff then
    purged = purged + 1
  else
    local prev = redis.call('HGET', KEYS[2], id)
    if not prev then
      redis.call('HSET', KEYS[2], id, cents .. '|' .. accepted)
      redis.call('LPUSH', KEYS[3], ARGV[i])
      queued = queued + 1
    elseif string.match(prev, '^%d+') == cents then
      replayed = replayed + 1
    else
      refused = refused + 1
    end
  end
end
if replayed > 0 then redis.call('HINCRBY', KEYS[4], 'replayed', replayed) end
if refused > 0 then redis.call('HINCRBY', KEYS[4], 'refused', refused) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return {queued, replayed, refused, malformed, purged}
`,
);

export interface Ingested {
  queued: number;
  replayed: number;
  refused: number;
  malformed: number;
  purged: number;
}

/** The segment's stored offset was not `from`: nothing was ingested. */
export interface OffsetMoved {
  storedOffset: number;
}

/** Ingests `lines`, read from `segment` between byte `from` and `to`; OffsetMoved when `from` is not the stored offset. */
export async function ingest(redis: RedisConnection, segment: string, from: number, to: number, lines: readonly string[]): Promise<Ingested | OffsetMoved> {
  const reply = integers(await ingestScript.run(redis, [keys.journalOffsets, keys.accepted, keys.queue, keys.stats, keys.purgedAt], [segment, from, to, ...lines]), 'ingest');
  if (reply[0] === -1) return { storedOffset: reply[1] ?? 0 };
  const [queued = 0, replayed = 0, refused = 0, malformed = 0, purged = 0] = reply;
  return { queued, replayed, refused, malformed, purged };
}

/** How far `segment` has been ingested, in bytes (0 for one never seen). */
export async function ingestedOffset(redis: RedisConnection, segment: string): Promise<number> {
  const value = text(await redis.send(['HGET', keys.journalOffsets, segment]), 'HGET');
  return value === null ? 0 : Number(value);
}

/** Every segment's offset, DELETED for those already removed. */
export async function ingestedOffsets(redis: RedisConnection): Promise<Map<string, number>> {
  const flat = strings(await redis.send(['HGETALL', keys.journalOffsets]), 'HGETALL');
  const offsets = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) offsets.set(flat[i]!, Number(flat[i + 1]));
  return offsets;
}

/** The offset of a segment a tailer has read to its seal and deleted: never read again (one short entry per segment is kept). */
export const DELETED = -1;

export async function markDeleted(redis: RedisConnection, segment: string): Promise<void> {
  await redis.send(['HSET', keys.journalOffsets, segment, DELETED]);
}
