/**
 * Every Redis key the system uses, in one place. Only src/store/ reads these:
 * everyone else calls the store's functions.
 *
 * A payment's life in Redis:
 *   accepted (hash, id -> "cents|acceptedAtMs")  written with the queue entry, refuses duplicates
 *   queue (list of "id|cents|acceptedAtMs")      LPUSH by the API, moved right-to-left by a worker
 *   inflight:<worker> (list)                     entries a worker holds; recovered when it restarts
 *   attempts (hash, id -> processor)             where it may have been sent, when not default; pins retries there
 *   settling (hash, id -> processor)             a call's outcome was uncertain; being settled there
 *   done (hash, id -> "processor|requestedAtMs|cents")  the ledger's guard: recorded once
 *   ledger:<processor>:log (zset)                score requestedAtMs, member "id|cents"
 *   ledger:<processor>:count / :cents (hashes)   totals per 100 ms bucket of requestedAt
 *   ledger:<processor>:total (hash)              all-time count and cents; 'folded': log members folded so far
 *   ledger:<processor>:folded (hash)             bucket -> "offset:cents," per folded payment (offset = ms within the bucket)
 *   ledger:retention (hash)                      'accepted'/'done': entries pruned so far; 'cursor': the prune's HSCAN cursor
 *   purges (counter)                             bumped by every purge; workers then drop what left their in-flight lists
 *   purged-at (ms)                               the last purge's time: journal lines accepted up to then are dropped
 *   journal:offsets (hash, segment -> bytes)     how far each journal segment is in the queue (JOURNAL_DIR only)
 *
 * Retention (src/store/retention.ts, run in small batches by the worker, see src/ledger/retention.ts):
 *   - log members with requestedAt older than LEDGER_DETAIL_RETENTION move into
 *     `folded`, a compact per-millisecond record, so every from/to summary stays exact;
 *   - a `done` entry with requestedAt older than IDEMPOTENCY_RETENTION is deleted
 *     together with its `accepted` entry (never an `accepted` entry alone: an
 *     unrecorded payment keeps its guard).
 * A replay of a pruned id is accepted again and paid again; the processor refuses
 * it (422) and its lookup returns the original requestedAt. The ledger then
 * releases it without recording when requestedAt + IDEMPOTENCY_RETENTION is
 * before the new acceptedAt: a payment is never requested before it is accepted,
 * so a request that old belongs to an earlier acceptance, already in the books.
 */
export type Processor = 'default' | 'fallback';
export const PROCESSORS: readonly Processor[] = ['default', 'fallback'];

/** A worker's list key is asked for on every batch: built once per worker, not per call. */
const inflightKeys = new Map<string, string>();
function inflightKey(worker: string): string {
  let key = inflightKeys.get(worker);
  if (key === undefined) inflightKeys.set(worker, (key = `payments:inflight:${worker}`));
  return key;
}

export const keys = {
  accepted: 'payments:accepted',
  queue: 'payments:queue',
  inflight: inflightKey,
  inflightPattern: 'payments:inflight:*',
  /** What a purge deletes: the queue, in-flight lists, guards and the ledger (not heartbeats, health or the purge counter). */
  purged: ['payments:*', 'ledger:*'],
  attempts: 'payments:attempts',
  settling: 'payments:settling',
  stats: 'payments:stats',
  done: 'ledger:done',
  log: (p: Processor) => `ledger:${p}:log`,
  bucketCount: (p: Processor) => `ledger:${p}:count`,
  bucketCents: (p: Processor) => `ledger:${p}:cents`,
  total: (p: Processor) => `ledger:${p}:total`,
  folded: (p: Processor) => `ledger:${p}:folded`,
  retention: 'ledger:retention',
  health: (p: Processor) => `health:${p}`,
  healthLease: (p: Processor) => `health:${p}:lease`,
  worker: (id: string) => `workers:${id}`,
  purges: 'purges',
  /** The last purge's time (ms, Redis's clock): journal lines accepted up to then are dropped. */
  purgedAt: 'purged-at',
  /** Journal segment -> bytes ingested into the queue (src/store/journal.ts); a purge keeps it. */
  journalOffsets: 'journal:offsets',
  /** Where bench tooling sets a backlog aside (src/store/inspect.ts); never used by the service. */
  heldBackQueue: 'bench:backlog',
};

/** The worker an in-flight list or a heartbeat key belongs to; null for any other key. */
export function inflightOwner(key: string): string | null {
  const prefix = keys.inflight('');
  return key.startsWith(prefix) ? key.slice(prefix.length) : null;
}

export function heartbeatOwner(key: string): string | null {
  const prefix = keys.worker('');
  return key.startsWith(prefix) ? key.slice(prefix.length) : null;
}

/** Width of a ledger bucket: a window costs O(buckets) plus two partial buckets scanned exactly. */
export const BUCKET_MS = 100;

/** A queued payment, as the queue and in-flight lists hold it. */
export interface QueuedPayment {
  id: string;
  cents: number;
  acceptedAtMs: number;
  /** The exact list entry, needed to remove it from the in-flight list. */
  entry: string;
}

export function encodeEntry(id: string, cents: number, acceptedAtMs: number): string {
  return `${id}|${cents}|${acceptedAtMs}`;
}

export function decodeEntry(entry: string): QueuedPayment | null {
  const [id, cents, acceptedAtMs] = entry.split('|');
  if (!id || !cents || !acceptedAtMs) return null;
  return { id, cents: Number(cents), acceptedAtMs: Number(acceptedAtMs), entry };
}
