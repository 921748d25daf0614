import { centsToNumber } from '../money.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { countQueuedBefore, readSnapshot } from '../store/books.ts';
import { pinnedProcessors } from '../store/inflight.ts';
import type { Processor } from '../store/keys.ts';

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

/** The backend's own books, from one atomic snapshot (src/store/books.ts) so that the counts add up at a single instant. */
export async function readBooks(redis: RedisConnection, nowMs: number, stuckAfterMs: number): Promise<{ books: Books; sentNotProcessed: SentNotProcessed; inFlight: InFlight[] }> {
  const snap = await readSnapshot(redis, { queueRead: QUEUE_READ, inflightRead: INFLIGHT_READ, settlingRead: SAMPLE });
  const settlingIds = new Set(snap.settlingIds);
  const queueEntries = snap.oldestQueued;
  let inFlight = 0;
  const inFlightEntries = snap.inflight.flatMap((list) => {
    inFlight += list.length;
    return list.oldest;
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
    stuck += await countQueuedBefore(redis, nowMs - stuckAfterMs);
  }

  // Read after the snapshot: an attempt is written before sending, so this errs towards "may be there".
  const pins = await pinnedProcessors(redis, inFlightEntries.map((e) => e.id));

  const { default: d, fallback: f } = snap.ledger;
  const processed = { default: { count: d.count, amount: centsToNumber(d.cents) }, fallback: { count: f.count, amount: centsToNumber(f.cents) } };
  const books: Books = {
    accepted: snap.accepted + snap.pruned.accepted,
    queued: snap.queued,
    inFlight,
    settling: snap.settling,
    processed,
    duplicatesRefused: snap.refused,
    replays: snap.replayed,
    oldestUnprocessedAgeMs: oldest,
    ledgerEntries: { done: snap.done + snap.pruned.done, log: { default: d.logSize + d.folded, fallback: f.logSize + f.folded } },
    workers: snap.workers.map((w) => ({ id: w.worker, inProgress: w.inProgress, ageMs: w.atMs === null ? null : Math.max(0, nowMs - w.atMs) })),
  };
  const ledgered = d.count + f.count;
  return {
    books,
    sentNotProcessed: {
      count: books.accepted - ledgered,
      unaccounted: books.accepted - ledgered - books.queued - inFlight,
      stuck: { thresholdMs: stuckAfterMs, count: stuck, oldestAgeMs: stuck > 0 ? oldest : null },
      sample: pending.slice(0, SAMPLE),
    },
    inFlight: inFlightEntries.map((e, i) => ({ id: e.id, acceptedAtMs: e.acceptedAtMs, attempted: pins[i]! })),
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
    problems.push(`${snp.stuck.count} payment(s) unprocessed for over ${formatSeconds(snp.stuck.thresholdMs)}, the oldest for ${formatSeconds(snp.stuck.oldestAgeMs ?? 0)}`);
  }
  return problems;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
