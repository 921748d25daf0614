import type { RedisArg } from './encode.ts';
import type { RedisConnection, RedisReply } from './connection.ts';

export type Settled = [error: Error | null, reply: RedisReply];

/**
 * Sends commands together (one write) and resolves with an [error, reply] pair
 * per command, in order, so that one failing command does not hide the others.
 */
export function pipeline(redis: RedisConnection, commands: readonly (readonly RedisArg[])[]): Promise<Settled[]> {
  return Promise.all(
    commands.map((command) =>
      redis.send(command).then(
        (reply): Settled => [null, reply],
        (err: Error): Settled => [err, null],
      ),
    ),
  );
}
