import type { RedisReply } from '../redis/connection.ts';

/**
 * Typed readings of Redis replies, so no caller casts one. Each checks the
 * shape it expects and throws naming the command when Redis answered otherwise
 * (a wrong key type, a script changed without its reader): a loud error instead
 * of a wrong number in the books. The checks are type tests only: no copies.
 */
function unexpected(what: string, reply: RedisReply): Error {
  return new Error(`unexpected reply to ${what}: ${Array.isArray(reply) ? 'array' : typeof reply}`);
}

/** An integer reply, or a bulk string holding one (HGET of a counter); nil is 0. */
export function integer(reply: RedisReply, what: string): number {
  if (reply === null) return 0;
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'string' && reply !== '' && Number.isFinite(Number(reply))) return Number(reply);
  throw unexpected(what, reply);
}

/** A bulk string, or nil. */
export function text(reply: RedisReply, what: string): string | null {
  if (reply === null || typeof reply === 'string') return reply;
  throw unexpected(what, reply);
}

/** An array of bulk strings (LRANGE, a script's list of entries). */
export function strings(reply: RedisReply, what: string): string[] {
  if (!Array.isArray(reply)) throw unexpected(what, reply);
  for (const item of reply) if (typeof item !== 'string') throw unexpected(what, reply);
  return reply as string[];
}

/** An array of bulk strings or nils (HMGET). */
export function optionalStrings(reply: RedisReply, what: string): (string | null)[] {
  if (!Array.isArray(reply)) throw unexpected(what, reply);
  for (const item of reply) if (item !== null && typeof item !== 'string') throw unexpected(what, reply);
  return reply as (string | null)[];
}

/** An array of integers (a script's per-item results). */
export function integers(reply: RedisReply, what: string): number[] {
  if (!Array.isArray(reply)) throw unexpected(what, reply);
  for (const item of reply) if (typeof item !== 'number') throw unexpected(what, reply);
  return reply as number[];
}

/** HMGET of counters: nil reads as 0. */
export function counters(reply: RedisReply, what: string): number[] {
  return optionalStrings(reply, what).map((v) => integer(v, what));
}

/** A cursor reply ([cursor, items]) of SCAN and HSCAN. */
export function cursorPage(reply: RedisReply, what: string): { cursor: string; items: string[] } {
  if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== 'string') throw unexpected(what, reply);
  return { cursor: reply[0], items: strings(reply[1]!, what) };
}
