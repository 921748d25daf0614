import type { ProcessorUrls } from '../config.ts';
import { ledgerTotals } from '../store/summary.ts';
import { NO_FROM, NO_TO } from '../time.ts';
import { centsToNumber } from '../money.ts';
import { describeFailure, ProcessorClient } from '../processor/client.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { PROCESSORS, type Processor } from '../store/keys.ts';
import type { Amounts, InFlight } from './books.ts';

export type WindowName = 'auditor' | 'last60s' | 'allTime';

export interface Window {
  name: WindowName;
  /** ISO timestamps with milliseconds; null is an open bound. */
  from: string | null;
  to: string | null;
}

export interface Comparison {
  window: WindowName;
  processor: Processor;
  ledger: Amounts;
  /** The processor's own GET /admin/payments-summary; null when it could not be read. */
  atProcessor: Amounts | null;
  /** atProcessor minus ledger. */
  difference: Amounts | null;
  error?: string;
}

export type ProcessorsSection =
  | { configured: false; reason: string }
  | { configured: true; windows: Window[]; comparisons: Comparison[]; unreachable: { processor: Processor; error: string }[] };

export const NOT_CONFIGURED = 'set PROCESSOR_ADMIN_TOKEN (and DEFAULT_PROCESSOR_URL/FALLBACK_PROCESSOR_URL) to compare with the processors';

interface Bounds {
  name: WindowName;
  fromMs: number | null;
  toMs: number | null;
}

/** The auditor's window, the last minute, and everything. */
function windows(nowMs: number): Bounds[] {
  return [
    { name: 'auditor', fromMs: nowMs - 15_000, toMs: nowMs - 1_500 },
    { name: 'last60s', fromMs: nowMs - 60_000, toMs: nowMs },
    { name: 'allTime', fromMs: null, toMs: null },
  ];
}

/**
 * Ledger and processors over the same windows. Every read starts in the same
 * turn of the event loop, so both sides are taken as close in time as they can be.
 */
export async function compareProcessors(redis: RedisConnection, urls: ProcessorUrls, token: string, nowMs: number, timeoutMs: number): Promise<ProcessorsSection> {
  const bounds = windows(nowMs);
  const pairs = bounds.flatMap((w) => PROCESSORS.map((p) => ({ w, p })));
  const ledger = pairs.map(({ w, p }) => ledgerTotals(redis, p, w.fromMs ?? NO_FROM, w.toMs ?? NO_TO));
  const clients = { default: adminClient('default', urls, token), fallback: adminClient('fallback', urls, token) };
  const remote = pairs.map(({ w, p }) => adminSummary(clients[p], w, timeoutMs).then(
    (totals) => ({ totals, error: null }),
    (err: unknown) => ({ totals: null, error: describeFailure(err) }),
  ));
  // A Redis failure rejects: the report cannot answer without its own books.
  const [ours, theirs] = await Promise.all([Promise.all(ledger), Promise.all(remote)]).finally(() => {
    clients.default.close();
    clients.fallback.close();
  });

  const comparisons = pairs.map(({ w, p }, i): Comparison => {
    const mine = ours[i]!;
    const other = theirs[i]!;
    const row: Comparison = { window: w.name, processor: p, ledger: amounts(mine.count, mine.cents), atProcessor: null, difference: null };
    if (other.totals) {
      row.atProcessor = amounts(other.totals.count, other.totals.cents);
      row.difference = amounts(other.totals.count - mine.count, other.totals.cents - mine.cents);
    } else {
      row.error = other.error ?? 'no answer';
    }
    return row;
  });
  const unreachable = PROCESSORS.flatMap((p) => {
    const failed = comparisons.find((c) => c.processor === p && c.error);
    return failed ? [{ processor: p, error: failed.error! }] : [];
  });
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { configured: true, windows: bounds.map((w) => ({ name: w.name, from: iso(w.fromMs), to: iso(w.toMs) })), comparisons, unreachable };
}

/**
 * Differences become problems, except those payments in flight can explain: one
 * the processor has and the worker has not yet ledgered heals by itself. Such a
 * payment was attempted at that processor, and accepted no later than the
 * window's end (requestedAt follows acceptance); up to that many is a note.
 */
export function windowFindings(section: ProcessorsSection, inFlight: InFlight[]): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!section.configured) return { problems, notes: [section.reason] };
  for (const u of section.unreachable) problems.push(`processor ${u.processor} unreachable, cannot compare: ${u.error}`);
  for (const c of section.comparisons) {
    const d = c.difference;
    if (!d || (d.count === 0 && d.amount === 0)) continue;
    const to = section.windows.find((w) => w.name === c.window)?.to;
    const toMs = to ? Date.parse(to) : Infinity;
    const explained = inFlight.filter((p) => p.attempted === c.processor && p.acceptedAtMs <= toMs).length;
    const text = `${c.processor}, ${c.window} window: processor ${c.atProcessor!.count} vs ledger ${c.ledger.count} payments (difference ${signed(d.count)}, amount ${signed(d.amount, 2)})`;
    if (Math.abs(d.count) <= explained) notes.push(`${text}; ${explained} in flight to ${c.processor} may explain it`);
    else problems.push(text);
  }
  return { problems, notes };
}

export function signed(n: number, digits = 0): string {
  return `${n > 0 ? '+' : ''}${n.toFixed(digits)}`;
}

function amounts(count: number, cents: number): Amounts {
  return { count, amount: centsToNumber(cents) };
}

/** One connection per window: the three windows' reads start together. */
function adminClient(p: Processor, urls: ProcessorUrls, token: string): ProcessorClient {
  return new ProcessorClient(p, urls[p], 'http', 3, token);
}

/** The processor's own totals over a window, in cents. */
async function adminSummary(client: ProcessorClient, w: Bounds, timeoutMs: number): Promise<{ count: number; cents: number }> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const totals = await client.adminSummary(iso(w.fromMs), iso(w.toMs), timeoutMs);
  return { count: totals.totalRequests, cents: Math.round(totals.totalAmount * 100) };
}
