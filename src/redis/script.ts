import { createHash } from 'node:crypto';
import type { RedisArg } from './encode.ts';
import type { RedisConnection, RedisReply } from './connection.ts';
import { isRedisError } from './errors.ts';

/** A Lua script run with EVALSHA, falling back to EVAL once when the server lacks it (NOSCRIPT). */
export class Script {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Caches the script in Redis ahead of use, so the first run needs no EVAL fallback. */
  async load(redis: RedisConnection): Promise<void> {
    await redis.send(['SCRIPT', 'LOAD', this.source]);
  }

  async run(redis: RedisConnection, keys: readonly string[], args: readonly RedisArg[]): Promise<RedisReply> {
    try {
      return await redis.send(['EVALSHA', this.sha, keys.length, ...keys, ...args]);
    } catch (err) {
      // NOSCRIPT means the script did not run, so EVAL is safe; EVAL also caches it for next time.
      if (!isRedisError(err, 'REPLY') || !err.message.includes('NOSCRIPT')) throw err;
      return redis.send(['EVAL', this.source, keys.length, ...keys, ...args]);
    }
  }
}
