/**
 * Why a Redis command failed. The code tells the caller what it may assume:
 * - REPLY: the server answered with an error (the command ran and failed, or was refused).
 * - UNCERTAIN: the command was written, then the connection dropped before its reply;
 *   it may or may not have run. Never re-sent automatically.
 * - NOT_SENT: the command never reached the server (offline, queue full, closed).
 */
export type RedisErrorCode = 'REPLY' | 'UNCERTAIN' | 'NOT_SENT';

export class RedisError extends Error {
  constructor(
    readonly code: RedisErrorCode,
    readonly command: string,
    message: string,
  ) {
    super(`redis ${command}: ${message}`);
    this.name = 'RedisError';
  }
}

export function isRedisError(err: unknown, code?: RedisErrorCode): err is RedisError {
  return err instanceof RedisError && (code === undefined || err.code === code);
}
