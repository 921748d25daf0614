import type { RedisConnection, RedisReply } from '../redis/connection.ts';
import type { RedisArg } from '../redis/encode.ts';
import { isRedisError } from '../redis/errors.ts';
import { Script } from '../redis/script.ts';

/**
 * SET and HSET that Redis runs even past `maxmemory`: the worker's own small
 * writes (heartbeat, health, the attempts pin, the settling mark) must not stop
 * it from finishing payments a processor already has. `allow-oom` in the
 * shebang (Redis 7) lifts the OOM check for the script; the API's refusal well
 * before the limit (src/api/memory-guard.ts) keeps the headroom they use.
 */
export const setScript = new Script(
  'set-past-limit',
  `#!lua flags=allow-oom
return redis.call('SET', KEYS[1], unpack(ARGV))
`,
);

export const hsetScript = new Script(
  'hset-past-limit',
  `#!lua flags=allow-oom
return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
`,
);

/** SET key value [options], run past maxmemory. */
export function setPastLimit(redis: RedisConnection, key: string, value: string, ...options: RedisArg[]): Promise<RedisReply> {
  return setScript.run(redis, [key], [value, ...options]);
}

/** HSET key field value, run past maxmemory. */
export function hsetPastLimit(redis: RedisConnection, key: string, field: string, value: string): Promise<RedisReply> {
  return hsetScript.run(redis, [key], [field, value]);
}

/** Redis refused a command because it is at maxmemory (policy noeviction). */
export function isOutOfMemory(err: unknown): boolean {
  return isRedisError(err, 'REPLY') && /: OOM /.test(err.message);
}
