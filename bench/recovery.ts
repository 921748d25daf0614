import { STAGES, type Stage } from './k6/lib/stages.js';
import type { Samples } from './sampler.ts';

/**
 * The contest's failure window (20-40 s) leaves a backlog; at 40 s default
 * recovers (20 ms delay, no failures) and the worker has to work it off before
 * the books close. This finds, in a run's samples, how big the backlog was, how
 * long it took to go, and the worker's CPU over whole sampled seconds around it,
 * so that CPU can be set against the payments the ledger says were forwarded in
 * the same seconds.
 */

/** Queue + in flight at or below this is arrivals, not backlog: ~0.2 s of the test's peak rate. */
export const BACKLOG_GONE_DEPTH = 100;

/**
 * When default stops failing in a run of `durationSeconds` (stages scale with the run), from k6's start;
 * null for a stage table (edited to try something else) where it never does: no backlog to measure.
 */
export function recoveryAtMs(durationSeconds: number, stages: readonly Stage[] = STAGES): number | null {
  const stage = stages.find((s, i) => i > 0 && stages[i - 1]!.defaultFailure && !s.defaultFailure);
  return stage ? (stage.at * durationSeconds * 1000) / 60 : null;
}

/** Payments the backend's ledger says were forwarded in [fromMs, toMs] (requestedAt). */
async function forwardedBetween(api: string, fromMs: number, toMs: number): Promise<number> {
  const query = `from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
  const res = await fetch(`${api}/payments-summary?${query}`);
  if (!res.ok) throw new Error(`GET /payments-summary?${query}: ${res.status}`);
  const books = (await res.json()) as Record<'default' | 'fallback', { totalRequests: number }>;
  return books.default.totalRequests + books.fallback.totalRequests;
}

export interface RecoveryWindow {
  /** The most queued + in flight from the last sample before recovery until it went (the worker notices recovery within a health check). */
  backlog: number;
  /** When the backlog peaked: from then on it falls (ms since the run's start). */
  peakTMs: number;
  /** The first sample after recovery at or below BACKLOG_GONE_DEPTH; null: still there at the last sample. */
  goneTMs: number | null;
  goneAfterMs: number | null;
  /** Whole CPU-sampled seconds covering recovery to gone (ms since the run's start): (fromTMs, toTMs]. */
  fromTMs: number;
  toTMs: number;
  workerCpuSeconds: number;
}

export function recoveryWindow(samples: Pick<Samples, 'queue' | 'cpu'>, recoveryTMs: number, service = 'worker'): RecoveryWindow | null {
  const before = samples.queue.filter((s) => s.tMs <= recoveryTMs).at(-1);
  const gone = samples.queue.find((s) => s.tMs > recoveryTMs && s.depth <= BACKLOG_GONE_DEPTH);
  const cpu = samples.cpu;
  const from = cpu.filter((s) => s.tMs <= recoveryTMs).length - 1;
  if (!before || from < 0) return null;
  const untilTMs = gone?.tMs ?? cpu.at(-1)!.tMs;
  const toIndex = cpu.findIndex((s) => s.tMs >= untilTMs);
  const to = toIndex < 0 ? cpu.length - 1 : toIndex;
  if (to <= from) return null;
  let workerCpuSeconds = 0;
  for (let i = from + 1; i <= to; i++) workerCpuSeconds += ((cpu[i]!.percent[service] ?? 0) / 100) * ((cpu[i]!.tMs - cpu[i - 1]!.tMs) / 1000);
  const peak = samples.queue.filter((s) => s.tMs >= before.tMs && s.tMs <= untilTMs).reduce((a, b) => (b.depth > a.depth ? b : a));
  return {
    backlog: peak.depth,
    peakTMs: peak.tMs,
    goneTMs: gone?.tMs ?? null,
    goneAfterMs: gone ? gone.tMs - recoveryTMs : null,
    fromTMs: cpu[from]!.tMs,
    toTMs: cpu[to]!.tMs,
    workerCpuSeconds,
  };
}

/** What the ledger says was forwarded: in the CPU-sampled seconds, and while the backlog fell (peak to gone, or to the window's end). */
export interface Forwarded {
  inWindow: number;
  whileFalling: number;
}

/** Asks the ledger for both counts of a window. */
export async function forwardedIn(api: string, startMs: number, w: RecoveryWindow): Promise<Forwarded> {
  const [inWindow, whileFalling] = await Promise.all([forwardedBetween(api, startMs + w.fromTMs, startMs + w.toTMs), forwardedBetween(api, startMs + w.peakTMs, startMs + (w.goneTMs ?? w.toTMs))]);
  return { inWindow, whileFalling };
}

/** How fast the worker worked the backlog off: payments forwarded per second while it fell, worker CPU per payment. */
export function workOff(w: RecoveryWindow, forwarded: Forwarded): { perSecond: number; usPerPayment: number } {
  const falling = ((w.goneTMs ?? w.toTMs) - w.peakTMs) / 1000;
  return { perSecond: Math.round(forwarded.whileFalling / Math.max(0.1, falling)), usPerPayment: Math.round((w.workerCpuSeconds * 1e6) / Math.max(1, forwarded.inWindow)) };
}

/**
 * The table's two cells: the backlog and when it went; the rate while it fell,
 * and the worker's CPU per payment forwarded in the sampled seconds around it.
 * `series`: the same two, short, for a series' row.
 */
export function recoveryCells(w: RecoveryWindow | null, forwarded: Forwarded): { backlog: string; drain: string; series: [string, string] } {
  if (!w) return { backlog: 'not measured', drain: 'not measured', series: ['-', '-'] };
  const seconds = (w.toTMs - w.fromTMs) / 1000;
  const falling = ((w.goneTMs ?? w.toTMs) - w.peakTMs) / 1000;
  const gone = w.goneAfterMs === null ? 'not gone by the end' : `gone after ${(w.goneAfterMs / 1000).toFixed(1)} s`;
  const { perSecond, usPerPayment } = workOff(w, forwarded);
  const rate = `${perSecond}/s, ${usPerPayment} µs`;
  return {
    backlog: `${w.backlog} payments, ${gone}`,
    drain: `${rate} (${forwarded.whileFalling} payments in the ${falling.toFixed(1)} s it fell; ${forwarded.inWindow} and ${w.workerCpuSeconds.toFixed(2)} worker CPU-s in the ${seconds.toFixed(0)} s sampled around it)`,
    series: [`${w.backlog}, ${gone}`, rate],
  };
}
