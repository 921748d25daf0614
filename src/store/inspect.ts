import type { RedisConnection } from '../redis/connection.ts';
import { decodeHeartbeat, type HeartbeatSeen } from './workers.ts';
import { BUCKET_MS, encodeEntry, keys, type Processor } from './keys.ts';
import { integer, strings, text } from './reply.ts';

/**
 * Looking into the store from outside the service: for tests (what a step left
 * behind, or a fault put in by hand) and for bench tooling. No request path or
 * worker loop uses these; each names what it reads or does in the system's terms.
 * Not built into the image (tsconfig.build.json excludes this file).
 */

export async function queueLength(redis: RedisConnection): Promise<number> {
  return integer(await redis.send(['LLEN', keys.queue]), 'LLEN');
}

/** The queue's entries, newest first. */
export async function queuedEntries(redis: RedisConnection): Promise<string[]> {
  return strings(await redis.send(['LRANGE', keys.queue, 0, -1]), 'LRANGE');
}

export async function inflightLength(redis: RedisConnection, worker: string): Promise<number> {
  return integer(await redis.send(['LLEN', keys.inflight(worker)]), 'LLEN');
}

/** Ids holding an `accepted` guard. */
export async function acceptedCount(redis: RedisConnection): Promise<number> {
  return integer(await redis.send(['HLEN', keys.accepted]), 'HLEN');
}

export async function isAccepted(redis: RedisConnection, id: string): Promise<boolean> {
  return (await redis.send(['HEXISTS', keys.accepted, id])) === 1;
}

/** Ids holding a `done` guard: recorded in the ledger. */
export async function recordedCount(redis: RedisConnection): Promise<number> {
  return integer(await redis.send(['HLEN', keys.done]), 'HLEN');
}

export async function isRecorded(redis: RedisConnection, id: string): Promise<boolean> {
  return (await redis.send(['HEXISTS', keys.done, id])) === 1;
}

/** The ledger's all-time count for p. */
export async function ledgeredCount(redis: RedisConnection, p: Processor): Promise<number> {
  return integer(await redis.send(['HGET', keys.total(p), 'count']), 'HGET');
}

/** What the attempts hash says for a payment (null: nothing written, i.e. default). */
export async function attemptPin(redis: RedisConnection, id: string): Promise<string | null> {
  return text(await redis.send(['HGET', keys.attempts, id]), 'HGET');
}

/** Members of p's ledger log (detail not yet folded), requestedAt before `beforeMs` when given. */
export async function logMembers(redis: RedisConnection, p: Processor, beforeMs = Infinity): Promise<string[]> {
  return strings(await redis.send(['ZRANGEBYSCORE', keys.log(p), '-inf', beforeMs === Infinity ? '+inf' : `(${beforeMs}`]), 'ZRANGEBYSCORE');
}

/** The oldest entry of p's ledger log: [id, cents, requestedAtMs]. */
export async function oldestLedgered(redis: RedisConnection, p: Processor): Promise<[string, number, number]> {
  const [member, score] = strings(await redis.send(['ZRANGE', keys.log(p), 0, 0, 'WITHSCORES']), 'ZRANGE');
  const [id, cents] = member!.split('|');
  return [id!, Number(cents), Number(score)];
}

/** A worker's heartbeat as the report reads it; null when there is none (expired, or never written). */
export async function heartbeatOf(redis: RedisConnection, worker: string): Promise<HeartbeatSeen | null> {
  const value = text(await redis.send(['GET', keys.worker(worker)]), 'GET');
  return value === null ? null : decodeHeartbeat(value);
}

/** How long a worker's heartbeat has left to live, in ms (-2: none). */
export async function heartbeatTtlMs(redis: RedisConnection, worker: string): Promise<number> {
  return integer(await redis.send(['PTTL', keys.worker(worker)]), 'PTTL');
}

/** Deletes a worker's heartbeat: its lease lapses now, as if the key had expired. */
export async function expireHeartbeat(redis: RedisConnection, worker: string): Promise<void> {
  await redis.send(['DEL', keys.worker(worker)]);
}

/** Puts entries straight into the queue (LPUSH, as the API does), with no `accepted` guard. */
export async function pushQueued(redis: RedisConnection, entries: readonly string[]): Promise<void> {
  await redis.send(['LPUSH', keys.queue, ...entries]);
}

export async function clearQueue(redis: RedisConnection): Promise<void> {
  await redis.send(['DEL', keys.queue]);
}

/** Puts entries straight into a worker's in-flight list, as if it had taken them. */
export async function pushInflight(redis: RedisConnection, worker: string, entries: readonly string[]): Promise<void> {
  await redis.send(['LPUSH', keys.inflight(worker), ...entries]);
}

/**
 * A payment accepted and held in flight by `worker`, as a worker that died
 * would have left it, pinned where it may have been sent (only fallback is written).
 */
export async function holdInFlight(redis: RedisConnection, worker: string, id: string, cents: number, acceptedAtMs: number, attempted: Processor): Promise<void> {
  await redis.send(['HSET', keys.accepted, id, `${cents}|${acceptedAtMs}`]);
  await redis.send(['RPUSH', keys.inflight(worker), encodeEntry(id, cents, acceptedAtMs)]);
  if (attempted === 'fallback') await redis.send(['HSET', keys.attempts, id, attempted]);
}

/** Removes one payment from p's ledger by hand, everywhere it is counted: a lost ledger entry. */
export async function removeLedgered(redis: RedisConnection, p: Processor, id: string, cents: number, requestedAtMs: number): Promise<void> {
  const bucket = Math.floor(requestedAtMs / BUCKET_MS);
  for (const command of [
    ['ZREM', keys.log(p), `${id}|${cents}`],
    ['HINCRBY', keys.bucketCount(p), bucket, -1],
    ['HINCRBY', keys.bucketCents(p), bucket, -cents],
    ['HINCRBY', keys.total(p), 'count', -1],
    ['HINCRBY', keys.total(p), 'cents', -cents],
    ['HDEL', keys.done, id],
  ]) await redis.send(command);
}

/** Empties the whole Redis database (every key, not only the payments'). */
export async function flushAll(redis: RedisConnection): Promise<void> {
  await redis.send(['FLUSHALL']);
}

/** Sets Redis's maxmemory (bytes, or '3mb'; 0: no limit). */
export async function setMaxMemory(redis: RedisConnection, limit: number | string): Promise<void> {
  await redis.send(['CONFIG', 'SET', 'maxmemory', limit]);
}

/** An ordinary write of `bytes` under a key outside the system's own: rejects (OOM) once Redis is at maxmemory. */
export async function writeFiller(redis: RedisConnection, name: string, bytes: number): Promise<void> {
  await redis.send(['SET', `filler:${name}`, 'x'.repeat(bytes)]);
}

/** Sets the whole queue aside (RENAME), so a backlog can be released at once with releaseQueue(). */
export async function holdBackQueue(redis: RedisConnection): Promise<void> {
  await redis.send(['RENAME', keys.queue, keys.heldBackQueue]);
}

export async function releaseQueue(redis: RedisConnection): Promise<void> {
  await redis.send(['RENAME', keys.heldBackQueue, keys.queue]);
}

/** Whether Redis has each script (by sha) in its script cache. */
export async function scriptsCached(redis: RedisConnection, shas: readonly string[]): Promise<boolean[]> {
  const reply = await redis.send(['SCRIPT', 'EXISTS', ...shas]);
  return Array.isArray(reply) ? reply.map((exists) => exists === 1) : [];
}

/** Empties Redis's script cache. */
export async function forgetScripts(redis: RedisConnection): Promise<void> {
  await redis.send(['SCRIPT', 'FLUSH']);
}
