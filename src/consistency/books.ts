import { centsToNumber } from '../money.ts';
import type { RedisArg } from '../redis/encode.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { decodeEntry, keys, type Processor } from '../store/keys.ts';
import { scanKeys, transaction } from './snapshot.ts';

/** How many of the queue's oldest entries, and of each in-flight list's oldest entries, are read. */
const QUEUE_READ = 20;
/** A worker holds at most HTTP_CONNECTION_LIMIT (100 by default): this reads a live worker's list whole. */
const INFLIGHT_READ = 500;
const SAMPLE = 20;

export interface Amounts {
  count: number;
  amount: number;
}

export interface Books {
  accepted: number;
  queued: number;
  inFlight: number;
  settling: number;
  processed: Record<Processor, Amounts>;
  duplicatesRefused: number;
  replays: number;
  oldestUnprocessedAgeMs: number | null;
  /** The ledger's own three records of one fact: `done` entries, log members, totals (pruned and folded ones counted in). */
  ledgerEntries: { done: number; log: Record<Processor, number> };
  workers: { id: string; inProgress: number | null; ageMs: number | null }[];
}

export interface Unprocessed {
  correlationId: string;
  ageMs: number;
  where: 'queue' | 'in-flight' | 'settling';
}

/** A payment in a worker's hands, and the processor it may have reached (the attempts hash names fallback; no entry means default). */
export interface InFlight {
  id: string;
  acceptedAtMs: number;
  attempted: Processor;
}

export interface SentNotProcessed {
  /** accepted - processed: queued and in flight, plus any lost. */
  count: number;
  /** accepted - processed - queued - in flight, from one atomic snapshot: 0 unless payments were lost (or ledgered twice). */
  unaccounted: number;
  stuck: { thresholdMs: number; count: number; oldestAgeMs: number | null };
  sample: Unprocessed[];
}

/**
 * Entries are LPUSHed, so acceptedAt falls from the left end to the right: a
 * binary search finds how many at the right end are older than the cutoff.
 * O(log n) LINDEX calls, and only run when the oldest entry is already stuck.
 */
const olderThan = new Script(
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

/** The backend's own books, from one MULTI/EXEC so that the counts add up at a single instant. */
export async function readBooks(redis: RedisConnection, nowMs: number, stuckAfterMs: number): Promise<{ books: Books; sentNotProcessed: SentNotProcessed; inFlight: InFlight[] }> {
  const { inflight, workers } = await scanKeys(redis);
  const fixed: RedisArg[][] = [
    ['HLEN', keys.accepted],
    ['LLEN', keys.queue],
    ['HLEN', keys.settling],
    ['HMGET', keys.total('default'), 'count', 'cents'],
    ['HMGET', keys.total('fallback'), 'count', 'cents'],
    ['HMGET', keys.stats, 'refused', 'replayed'],
    ['HLEN', keys.done],
    ['ZCARD', keys.log('default')],
    ['ZCARD', keys.log('fallback')],
    ['LRANGE', keys.queue, -QUEUE_READ, -1],
    ['HSCAN', keys.settling, 0, 'COUNT', SAMPLE],
    // What retention moved out (src/ledger/retention.ts): counted back so the books still add up.
    ['HMGET', keys.retention, 'accepted', 'done'],
    ['HGET', keys.total('default'), 'folded'],
    ['HGET', keys.total('fallback'), 'folded'],
  ];
  const lists = inflight.flatMap((key): RedisArg[][] => [['LLEN', key], ['LRANGE', key, -INFLIGHT_READ, -1]]);
  const beats = workers.map((key): RedisArg[] => ['GET', key]);
  const r = await transaction(redis, [...fixed, ...lists, ...beats]);
  const n = (i: number) => Number(r[i] ?? 0);
  const pair = (i: number) => (r[i] as (string | null)[]).map((v) => Number(v ?? 0));

  const [dCount, dCents] = pair(3);
  const [fCount, fCents] = pair(4);
  const [refused, replayed] = pair(5);
  const [acceptedPruned, donePruned] = pair(11);
  const settlingIds = new Set(((r[10] as [string, string[]])[1] ?? []).filter((_, i) => i % 2 === 0));
  const queueEntries = (r[9] as string[]).map(decodeEntry).filter((e) => e !== null);
  let inFlight = 0;
  const inFlightEntries = inflight.flatMap((_, i) => {
    inFlight += n(fixed.length + 2 * i);
    return (r[fixed.length + 2 * i + 1] as string[]).map(decodeEntry).filter((e) => e !== null);
  });
  const age = (acceptedAtMs: number) => Math.max(0, nowMs - acceptedAtMs);

  const pending: Unprocessed[] = [
    ...inFlightEntries.map((e): Unprocessed => ({ correlationId: e.id, ageMs: age(e.acceptedAtMs), where: settlingIds.has(e.id) ? 'settling' : 'in-flight' })),
    ...queueEntries.map((e): Unprocessed => ({ correlationId: e.id, ageMs: age(e.acceptedAtMs), where: 'queue' })),
  ].sort((a, b) => b.ageMs - a.ageMs);
  const oldest = pending[0]?.ageMs ?? null;

  // Stuck in flight: counted from the lists read (their oldest entries); in the queue: by binary search.
  let stuck = inFlightEntries.filter((e) => age(e.acceptedAtMs) > stuckAfterMs).length;
  const oldestQueued = queueEntries[queueEntries.length - 1];
  if (oldestQueued && age(oldestQueued.acceptedAtMs) > stuckAfterMs) {
    stuck += Number(await olderThan.run(redis, [keys.queue], [nowMs - stuckAfterMs]));
  }

  // Read after the snapshot: an attempt is written before sending, so this errs towards "may be there".
  const pins = inFlightEntries.length > 0 ? ((await redis.send(['HMGET', keys.attempts, ...inFlightEntries.map((e) => e.id)])) as (string | null)[]) : [];

  const processed = { default: { count: dCount!, amount: centsToNumber(dCents!) }, fallback: { count: fCount!, amount: centsToNumber(fCents!) } };
  const books: Books = {
    accepted: n(0) + acceptedPruned!,
    queued: n(1),
    inFlight,
    settling: n(2),
    processed,
    duplicatesRefused: refused!,
    replays: replayed!,
    oldestUnprocessedAgeMs: oldest,
    ledgerEntries: { done: n(6) + donePruned!, log: { default: n(7) + n(12), fallback: n(8) + n(13) } },
    // A heartbeat that expired since the SCAN is a worker gone: left out.
    workers: workers.flatMap((key, i) => {
      const beat = r[fixed.length + lists.length + i];
      return typeof beat === 'string' ? [heartbeat(key, beat, nowMs)] : [];
    }),
  };
  const ledgered = dCount! + fCount!;
  return {
    books,
    sentNotProcessed: {
      count: books.accepted - ledgered,
      unaccounted: books.accepted - ledgered - books.queued - inFlight,
      stuck: { thresholdMs: stuckAfterMs, count: stuck, oldestAgeMs: stuck > 0 ? oldest : null },
      sample: pending.slice(0, SAMPLE),
    },
    inFlight: inFlightEntries.map((e, i) => ({ id: e.id, acceptedAtMs: e.acceptedAtMs, attempted: pins[i] === 'fallback' ? 'fallback' : 'default' })),
  };
}

/** What the books say is wrong on their own, whatever the processors hold. */
export function bookProblems(books: Books, snp: SentNotProcessed): string[] {
  const problems: string[] = [];
  if (snp.unaccounted > 0) problems.push(`${snp.unaccounted} accepted payment(s) are neither queued, in flight nor in the ledger: lost`);
  if (snp.unaccounted < 0) problems.push(`the ledger and the lists hold ${-snp.unaccounted} more payment(s) than were accepted`);
  const { done, log } = books.ledgerEntries;
  const totals = books.processed.default.count + books.processed.fallback.count;
  if (done !== totals || log.default !== books.processed.default.count || log.fallback !== books.processed.fallback.count) {
    problems.push(`the ledger disagrees with itself: ${done} recorded ids, log ${log.default}/${log.fallback}, totals ${books.processed.default.count}/${books.processed.fallback.count} (default/fallback)`);
  }
  if (snp.stuck.count > 0) {
    problems.push(`${snp.stuck.count} payment(s) unprocessed for over ${seconds(snp.stuck.thresholdMs)}, the oldest for ${seconds(snp.stuck.oldestAgeMs ?? 0)}`);
  }
  return problems;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function heartbeat(key: string, value: string, nowMs: number): Books['workers'][number] {
  const id = key.slice(keys.worker('').length);
  try {
    const beat = JSON.parse(value) as { inProgress?: unknown; atMs?: unknown };
    return {
      id,
      inProgress: typeof beat.inProgress === 'number' ? beat.inProgress : null,
      ageMs: typeof beat.atMs === 'number' ? Math.max(0, nowMs - beat.atMs) : null,
    };
  } catch {
    return { id, inProgress: null, ageMs: null };
  }
}
