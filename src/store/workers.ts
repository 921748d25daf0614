import type { RedisConnection } from '../redis/connection.ts';
import { keys } from './keys.ts';
import { setPastLimit } from './past-limit.ts';
import { integer } from './reply.ts';

/**
 * Workers' heartbeats (keys.worker): a short-lived key whose presence is the
 * worker's lease on its in-flight list (src/worker/lease.ts), and whose value
 * says how it is doing (the consistency report lists it). Also the purge counter,
 * read with every beat.
 */
export interface Heartbeat {
  pid: number;
  inProgress: number;
  atMs: number;
}

/** A heartbeat as the report reads it: fields a foreign or older writer left out are null. */
export interface HeartbeatSeen {
  inProgress: number | null;
  atMs: number | null;
}

export function encodeHeartbeat(beat: Heartbeat): string {
  return JSON.stringify(beat);
}

export function decodeHeartbeat(value: string): HeartbeatSeen {
  try {
    const beat = JSON.parse(value) as { inProgress?: unknown; atMs?: unknown };
    return { inProgress: typeof beat.inProgress === 'number' ? beat.inProgress : null, atMs: typeof beat.atMs === 'number' ? beat.atMs : null };
  } catch {
    return { inProgress: null, atMs: null };
  }
}

/**
 * Writes `worker`'s heartbeat to live `leaseMs`, past maxmemory; with `held`,
 * only if the key still exists (SET XX), so a lapsed lease is never silently
 * taken back. Reads the purge counter in the same write to Redis (both commands
 * leave in one batch). renewed: false when the key had expired.
 */
export async function renewHeartbeat(redis: RedisConnection, worker: string, beat: Heartbeat, leaseMs: number, held: boolean): Promise<{ renewed: boolean; purges: number }> {
  const [renewed, purges] = await Promise.all([
    setPastLimit(redis, keys.worker(worker), encodeHeartbeat(beat), 'PX', leaseMs, ...(held ? ['XX'] : [])),
    readPurges(redis),
  ]);
  return { renewed: renewed === 'OK', purges };
}

/** How many purges there have been: a worker drops what a purge took from its list when this moves. */
export async function readPurges(redis: RedisConnection): Promise<number> {
  return integer(await redis.send(['GET', keys.purges]), 'GET purges');
}

/** Whether `worker`'s heartbeat, and so its lease, is still alive. */
export async function hasHeartbeat(redis: RedisConnection, worker: string): Promise<boolean> {
  return (await redis.send(['EXISTS', keys.worker(worker)])) === 1;
}
