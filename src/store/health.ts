import type { RedisConnection } from '../redis/connection.ts';
import { keys, type Processor } from './keys.ts';
import { setPastLimit } from './past-limit.ts';
import { text } from './reply.ts';

/**
 * Processor health reports shared by every worker: keys.healthLease (SET NX PX)
 * names who may call the processor's health endpoint next; keys.health holds
 * the last answer for everyone to read. Written past maxmemory.
 */
export interface StoredHealth {
  failing: boolean;
  minResponseTime: number;
  atMs: number;
}

/** True when `owner` took the right to call p's health endpoint for the next `leaseMs`. */
export async function takeHealthLease(redis: RedisConnection, p: Processor, owner: string, leaseMs: number): Promise<boolean> {
  return (await setPastLimit(redis, keys.healthLease(p), owner, 'NX', 'PX', leaseMs)) === 'OK';
}

/** Publishes p's health for `ttlMs`. */
export async function publishHealth(redis: RedisConnection, p: Processor, report: StoredHealth, ttlMs: number): Promise<void> {
  await setPastLimit(redis, keys.health(p), JSON.stringify(report), 'PX', ttlMs);
}

/** The last published health of p; null when none is (or it is unreadable). */
export async function readHealth(redis: RedisConnection, p: Processor): Promise<StoredHealth | null> {
  const value = text(await redis.send(['GET', keys.health(p)]), 'GET health');
  if (value === null) return null;
  const report = JSON.parse(value) as Partial<Record<keyof StoredHealth, unknown>>;
  if (typeof report.failing !== 'boolean' || typeof report.minResponseTime !== 'number' || typeof report.atMs !== 'number') return null;
  return { failing: report.failing, minResponseTime: report.minResponseTime, atMs: report.atMs };
}
