import type { RedisArg } from '../redis/encode.ts';
import type { RedisConnection, RedisReply } from '../redis/connection.ts';

/**
 * MULTI/EXEC for a consistent read, its replies returned by name. Every command
 * is handed to the connection in this one synchronous loop, so no other
 * request's command can land inside it.
 */
export async function transaction<Name extends string>(redis: RedisConnection, commands: Record<Name, readonly RedisArg[]>): Promise<Record<Name, RedisReply>> {
  const names = Object.keys(commands) as Name[];
  const sent = [redis.send(['MULTI']), ...names.map((name) => redis.send(commands[name])), redis.send(['EXEC'])];
  const results = await Promise.allSettled(sent);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  const last = results[results.length - 1]!;
  const exec = last.status === 'fulfilled' ? last.value : null;
  if (!Array.isArray(exec) || exec.length !== names.length) throw new Error('consistency snapshot: MULTI/EXEC was aborted');
  const replies = {} as Record<Name, RedisReply>;
  names.forEach((name, i) => (replies[name] = exec[i]!));
  return replies;
}
