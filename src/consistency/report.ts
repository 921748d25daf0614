import type { ProcessorUrls } from '../config.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { bookProblems, readBooks, formatSeconds, type Books, type InFlight, type SentNotProcessed } from './books.ts';
import { compareProcessors, NOT_CONFIGURED, windowFindings, type ProcessorsSection } from './compare.ts';
import { deepCheck, deepFindings, type DeepSection } from './deep.ts';
import { journalBacklog, type JournalBacklog } from '../journal/backlog.ts';

/**
 * The consistency report: does what the backend accepted, what it ledgered and
 * what the processors hold agree? Read-only, and bounded so it can run during a
 * load test. Its cost:
 * - Redis: one SCAN pass over the keyspace (a few dozen keys; at most 10 calls of
 *   COUNT 100), one MULTI/EXEC of O(1) counters plus LRANGEs of at most 20 queue
 *   entries and 500 per in-flight list, one HMGET of those entries' attempts, six
 *   ledger window sums (O(buckets in the window), the script GET /payments-summary
 *   uses), and a binary search of the queue (O(log n) LINDEX) only when a payment
 *   is already stuck there. No KEYS, no full read of the ledger or the queue.
 * - Processors: six GET /admin/payments-summary (2 s timeout each), in parallel.
 * - Deep mode adds two ZREVRANGEs of 80 entries and up to 400 GET /payments/{id},
 *   20 at a time, started within a 5 s budget: at worst 2 + 5 + 2 s in all, under
 *   the 10 s nginx waits for an answer.
 */
export interface ReportOptions {
  processors: ProcessorUrls | null;
  adminToken: string | null;
  deep: boolean;
  nowMs?: number;
  /** Unprocessed for longer than this is a problem (default 10 s). */
  stuckAfterMs?: number;
  /** Per call to a processor (default 2 s). */
  timeoutMs?: number;
  /** Deep mode starts no lookup after this long (default 5 s). */
  deepBudgetMs?: number;
  /** JOURNAL_DIR: payments still there are counted; null or unset: no journal. */
  journalDir?: string | null;
}

export interface Verdict {
  consistent: boolean;
  problems: string[];
  /** Worth knowing, not wrong: e.g. differences that payments in flight explain. */
  notes: string[];
}

export interface Report {
  generatedAt: string;
  books: Books;
  sentNotProcessed: SentNotProcessed;
  processors: ProcessorsSection;
  deep: DeepSection | null;
  /** Journaled and not yet in Redis; null without a journal. */
  journal: JournalBacklog | null;
  verdict: Verdict;
  summary: string;
}

export async function buildReport(redis: RedisConnection, options: ReportOptions): Promise<Report> {
  const nowMs = options.nowMs ?? Date.now();
  const timeoutMs = options.timeoutMs ?? 2_000;
  const urls = options.processors;
  const token = options.adminToken;
  const stuckAfterMs = options.stuckAfterMs ?? 10_000;
  const [own, processors, journal] = await Promise.all([
    readBooks(redis, nowMs, stuckAfterMs),
    urls && token ? compareProcessors(redis, urls, token, nowMs, timeoutMs) : Promise.resolve<ProcessorsSection>({ configured: false, reason: NOT_CONFIGURED }),
    options.journalDir ? journalBacklog(redis, options.journalDir, nowMs) : null,
  ]);
  let deep: DeepSection | null = null;
  if (options.deep) {
    // GET /payments/{id} needs no token, only the processors' addresses.
    deep = urls
      ? await deepCheck(redis, urls, own.inFlight.map((p) => p.id), timeoutMs, options.deepBudgetMs ?? 5_000)
      : { checked: 0, skipped: 'set DEFAULT_PROCESSOR_URL and FALLBACK_PROCESSOR_URL to look payments up at the processors' };
  }

  const { books, sentNotProcessed } = own;
  const windows = windowFindings(processors, deep ? provenInFlight(deep, own.inFlight) : own.inFlight);
  const lookups = deepFindings(deep);
  const problems = [...bookProblems(books, sentNotProcessed), ...journalProblems(journal, stuckAfterMs), ...windows.problems, ...lookups.problems];
  const verdict: Verdict = { consistent: problems.length === 0, problems, notes: [...windows.notes, ...lookups.notes] };
  return {
    generatedAt: new Date(nowMs).toISOString(),
    books,
    sentNotProcessed,
    processors,
    deep,
    journal,
    verdict,
    summary: headline(books, sentNotProcessed, processors, verdict),
  };
}

function journalProblems(journal: JournalBacklog | null, stuckAfterMs: number): string[] {
  if (!journal || journal.oldestAgeMs === null || journal.oldestAgeMs <= stuckAfterMs) return [];
  return [`${journal.payments} payment(s) wait in the journal, the oldest for ${formatSeconds(journal.oldestAgeMs)}: no worker is moving them into Redis`];
}

/**
 * When deep mode looked every in-flight payment up, only those it found at a
 * processor can explain a window difference, and only at that processor.
 */
function provenInFlight(deep: DeepSection, inFlight: InFlight[]): InFlight[] {
  if (!('sampled' in deep) || deep.checked < deep.sampled.ledgered + deep.sampled.inFlight || deep.sampled.inFlight < new Set(inFlight.map((p) => p.id)).size) return inFlight;
  const found = new Map([...deep.awaitingLedger, ...deep.onBoth].filter((f) => f.ledger === 'in-flight').map((f) => [f.correlationId, f.at]));
  return inFlight.flatMap((p) => (found.get(p.id) ?? []).map((at) => ({ ...p, attempted: at })));
}

function headline(books: Books, snp: SentNotProcessed, processors: ProcessorsSection, verdict: Verdict): string {
  const { default: d, fallback: f } = books.processed;
  const state = `${books.accepted} accepted, ${d.count + f.count} processed (${d.count} default, ${f.count} fallback), ${snp.count} not yet`;
  const oldest = books.oldestUnprocessedAgeMs === null ? '' : `, oldest ${formatSeconds(books.oldestUnprocessedAgeMs)}`;
  const checked = processors.configured ? `; processors compared over ${processors.windows.length} windows` : '; processors not compared';
  if (verdict.consistent) return `consistent: ${state}${oldest}${checked}`;
  const more = verdict.problems.length > 1 ? ` (+${verdict.problems.length - 1} more)` : '';
  return `INCONSISTENT: ${verdict.problems[0]}${more}; ${state}${oldest}`;
}
