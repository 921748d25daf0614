import type { RedisConnection } from '../redis/connection.ts';
import type { RedisArg } from '../redis/encode.ts';
import { Script } from '../redis/script.ts';
import { decodeEntry, heartbeatOwner, inflightOwner, keys, PROCESSORS, type Processor, type QueuedPayment } from './keys.ts';
import { counters, cursorPage, integer, strings, text } from './reply.ts';
import { scanKeys } from './scan.ts';
import { transaction } from './transaction.ts';
import { decodeHeartbeat, type HeartbeatSeen } from './workers.ts';

/**
 * The reads behind the consistency report (src/consistency/): one atomic
 * snapshot of every counter and list head, the queue's stuck tail, and the
 * ledger's latest entries. Read-only and bounded, so it can run during a load test.
 */
export interface SnapshotLimits {
  /** How many of the queue's oldest entries are read. */
  queueRead: number;
  /** How many of each in-flight list's oldest entries are read. */
  inflightRead: number;
  /** How many settling ids are read (one HSCAN step). */
  settlingRead: number;
}

export interface Snapshot {
  accepted: number;
  queued: number;
  settling: number;
  /** Per processor: the ledger's totals, its log's size, and the log members retention folded away. */
  ledger: Record<Processor, { count: number; cents: number; logSize: number; folded: number }>;
  /** `done` entries: one per recorded payment. */
  done: number;
  /** What retention pruned from `accepted` and `done`. */
  pruned: { accepted: number; done: number };
  refused: number;
  replayed: number;
  /** The queue's oldest entries, newest first (as the list holds them). */
  oldestQueued: QueuedPayment[];
  /** Some ids being settled. */
  settlingIds: string[];
  /** Every in-flight list, live worker or not: its length and its oldest entries. */
  inflight: { worker: string; length: number; oldest: QueuedPayment[] }[];
  /** Live workers' heartbeats (one that expired since the SCAN is a worker gone: left out). */
  workers: ({ worker: string } & HeartbeatSeen)[];
}

/**
 * Entries are LPUSHed, so acceptedAt falls from the left end to the right: a
 * binary search finds how many at the right end are older than the cutoff.
 * O(log n) LINDEX calls, and only run when the oldest entry is already stuck.
 */
export const olderThanScript = new Script(
  'consistency-older-than',
  `
local len = redis.call('LLEN', KEYS[1])
local cutoff = tonumber(ARGV[1])
local lo, hi = 0, len
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  local entry = redis.call('LINDEX', KEYS[1], mid)
  local at = entry and tonumber(string.match(entry, '|(%d+)$'))
  if at and at < cutoff then hi = mid else lo = mid + 1 end
end
return len - lo
`,
);

function entries(reply: Parameters<typeof strings>[0], what: string): QueuedPayment[] {
  return strings(reply, what).flatMap((entry) => decodeEntry(entry) ?? []);
}

/** The books from one MULTI/EXEC, so that the counts add up at a single instant; lists found by one bounded SCAN first. */
export async function readSnapshot(redis: RedisConnection, limits: SnapshotLimits): Promise<Snapshot> {
  const found = await scanKeys(redis, null);
  const lists = found.filter((key) => inflightOwner(key) !== null);
  const beats = found.filter((key) => heartbeatOwner(key) !== null);
  const commands: Record<string, readonly RedisArg[]> = {
    accepted: ['HLEN', keys.accepted],
    queued: ['LLEN', keys.queue],
    settling: ['HLEN', keys.settling],
    stats: ['HMGET', keys.stats, 'refused', 'replayed'],
    done: ['HLEN', keys.done],
    oldestQueued: ['LRANGE', keys.queue, -limits.queueRead, -1],
    settlingIds: ['HSCAN', keys.settling, 0, 'COUNT', limits.settlingRead],
    // What retention moved out (src/store/retention.ts): counted back so the books still add up.
    pruned: ['HMGET', keys.retention, 'accepted', 'done'],
  };
  for (const p of PROCESSORS) {
    commands[`total:${p}`] = ['HMGET', keys.total(p), 'count', 'cents', 'folded'];
    commands[`log:${p}`] = ['ZCARD', keys.log(p)];
  }
  for (const key of lists) {
    commands[`length:${key}`] = ['LLEN', key];
    commands[`oldest:${key}`] = ['LRANGE', key, -limits.inflightRead, -1];
  }
  for (const key of beats) commands[`beat:${key}`] = ['GET', key];
  const r = await transaction(redis, commands);
  const get = (name: string) => r[name] ?? null;

  const [refused = 0, replayed = 0] = counters(get('stats'), 'HMGET stats');
  const [prunedAccepted = 0, prunedDone = 0] = counters(get('pruned'), 'HMGET retention');
  const ledger = {} as Snapshot['ledger'];
  for (const p of PROCESSORS) {
    const [count = 0, cents = 0, folded = 0] = counters(get(`total:${p}`), 'HMGET total');
    ledger[p] = { count, cents, folded, logSize: integer(get(`log:${p}`), 'ZCARD') };
  }
  return {
    accepted: integer(get('accepted'), 'HLEN accepted'),
    queued: integer(get('queued'), 'LLEN queue'),
    settling: integer(get('settling'), 'HLEN settling'),
    ledger,
    done: integer(get('done'), 'HLEN done'),
    pruned: { accepted: prunedAccepted, done: prunedDone },
    refused,
    replayed,
    oldestQueued: entries(get('oldestQueued'), 'LRANGE queue'),
    settlingIds: cursorPage(get('settlingIds'), 'HSCAN settling').items.filter((_, i) => i % 2 === 0),
    inflight: lists.map((key) => ({ worker: inflightOwner(key)!, length: integer(get(`length:${key}`), 'LLEN'), oldest: entries(get(`oldest:${key}`), 'LRANGE') })),
    workers: beats.flatMap((key) => {
      const value = text(get(`beat:${key}`), 'GET heartbeat');
      return value === null ? [] : [{ worker: heartbeatOwner(key)!, ...decodeHeartbeat(value) }];
    }),
  };
}

/** How many queued payments were accepted before `cutoffMs` (a binary search of the queue). */
export async function countQueuedBefore(redis: RedisConnection, cutoffMs: number): Promise<number> {
  return integer(await olderThanScript.run(redis, [keys.queue], [cutoffMs]), 'consistency-older-than');
}

/** The `count` most recent entries of p's ledger log (ZREVRANGE: O(log n + count)). */
export async function latestLedgered(redis: RedisConnection, p: Processor, count: number): Promise<{ id: string; cents: number; requestedAtMs: number }[]> {
  const flat = strings(await redis.send(['ZREVRANGE', keys.log(p), 0, count - 1, 'WITHSCORES']), 'ZREVRANGE');
  const out: { id: string; cents: number; requestedAtMs: number }[] = [];
  for (let j = 0; j + 1 < flat.length; j += 2) {
    const [id, cents] = flat[j]!.split('|');
    if (id) out.push({ id, cents: Number(cents), requestedAtMs: Number(flat[j + 1]) });
  }
  return out;
}
