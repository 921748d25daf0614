import type { RedisConnection } from '../redis/connection.ts';
import { inflightOwner, keys, type Processor } from './keys.ts';
import { hsetPastLimit } from './past-limit.ts';
import { moveScript } from './queue.ts';
import { optionalStrings, strings } from './reply.ts';
import { scanKeys } from './scan.ts';

/**
 * A worker's in-flight list and what goes with it: the attempts pins (where a
 * payment may have been sent) and the settling marks. An entry stays in the
 * list from take() until the ledger records it (src/store/ledger.ts).
 */

/** Every entry of `worker`'s in-flight list. */
export async function inflightEntries(redis: RedisConnection, worker: string): Promise<string[]> {
  return strings(await redis.send(['LRANGE', keys.inflight(worker), 0, -1]), 'LRANGE');
}

/** The workers that have an in-flight list, live or not (a bounded SCAN). */
export async function inflightOwners(redis: RedisConnection): Promise<string[]> {
  return (await scanKeys(redis, keys.inflightPattern)).flatMap((key) => inflightOwner(key) ?? []);
}

/** Moves all of `from`'s in-flight list into `to`'s, in one atomic step; returns the entries moved. */
export async function adoptInflight(redis: RedisConnection, from: string, to: string): Promise<string[]> {
  return strings(await moveScript.run(redis, [keys.inflight(from), keys.inflight(to)], [-1]), 'adopt');
}

/**
 * Where each payment may have been sent: the attempts hash names fallback; no
 * entry means default (written only when leaving default, to save a write per payment).
 */
export async function pinnedProcessors(redis: RedisConnection, ids: readonly string[]): Promise<Processor[]> {
  if (ids.length === 0) return [];
  return optionalStrings(await redis.send(['HMGET', keys.attempts, ...ids]), 'HMGET attempts').map((pin) => (pin === 'fallback' ? 'fallback' : 'default'));
}

/** Pins a payment to the processor it is about to be sent to; runs past maxmemory. */
export async function pinAttempt(redis: RedisConnection, id: string, p: Processor): Promise<void> {
  await hsetPastLimit(redis, keys.attempts, id, p);
}

/** Marks a payment whose call had an uncertain outcome as being settled at `p`; runs past maxmemory. */
export async function markSettling(redis: RedisConnection, id: string, p: Processor): Promise<void> {
  await hsetPastLimit(redis, keys.settling, id, p);
}
