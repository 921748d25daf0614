/**
 * Whether a run's slowest payments come alone or in bursts, from k6's CSV output
 * (`K6_OUT=csv=<file> K6_CSV_TIME_FORMAT=unix_milli make bench`, or the same on
 * `k6 run bench/k6/floor.js`): of a stretch's payments at or above its p99, how
 * many started within 2 ms of another, and the episodes that held the most. A
 * stall of everything at once (k6's own garbage collection, a CPU taken away)
 * slows every payment in flight; a late wake-up slows one. And how many payments
 * k6 sent in clumps: its VUs post, wait for the answer, sleep 1 s and post again,
 * so those a stall held up together are sent together a second later.
 * Usage: node bench/bursts.ts <k6.csv> [from-s to-s]  (default 41 59: the peak rate).
 */
import { readFileSync } from 'node:fs';
import { percentile } from './report/render.ts';

/** Slow payments starting within this of another count as clustered. */
const NEAR_MS = 2;
/** A slow payment starting within this of the previous one joins its episode. */
const EPISODE_GAP_MS = 10;
/** Starts counted per window of this, and a window with at least CLUMP starts is a clump. */
const WINDOW_MS = 5;
const CLUMP = 8;

export interface Payment {
  startMs: number;
  durationMs: number;
}

export interface Episode {
  /** Seconds from the first payment's start. */
  fromS: number;
  toS: number;
  count: number;
  maxMs: number;
}

export interface Bursts {
  payments: number;
  p99Ms: number;
  slow: number;
  clustered: number;
  /** Payments that started in a clump: k6 sending many at once (at ~460 a second, 8 in 5 ms is rare by chance). */
  inClumps: number;
  /** Largest first. */
  episodes: Episode[];
}

/** The successful POST /payments of a k6 CSV, in start order (k6 stamps a sample when the request ends). */
export function paymentsOf(csv: string): Payment[] {
  const [header, ...lines] = csv.split('\n');
  const column = new Map((header ?? '').split(',').map((name, i) => [name, i]));
  const at = (name: string) => {
    const i = column.get(name);
    if (i === undefined) throw new Error(`bursts: not a k6 CSV (no "${name}" column)`);
    return i;
  };
  const [metric, time, value, method, url, ok] = ['metric_name', 'timestamp', 'metric_value', 'method', 'url', 'expected_response'].map(at) as [number, number, number, number, number, number];
  const payments: Payment[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    if (cells[metric] !== 'http_req_duration' || cells[method] !== 'POST' || cells[ok] !== 'true' || !cells[url]?.endsWith('/payments')) continue;
    const durationMs = Number(cells[value]);
    payments.push({ startMs: Number(cells[time]) - durationMs, durationMs });
  }
  return payments.sort((a, b) => a.startMs - b.startMs);
}

export function burstsOf(payments: Payment[], fromS: number, toS: number): Bursts {
  const t0 = payments[0]?.startMs ?? 0;
  const inStretch = payments.filter((p) => p.startMs - t0 >= fromS * 1000 && p.startMs - t0 < toS * 1000);
  const p99Ms = percentile(inStretch.map((p) => p.durationMs), 99);
  const slow = inStretch.filter((p) => p.durationMs >= p99Ms);
  // How long after the slow payment before it each one started (Infinity for the first).
  const after = slow.map((p, i) => (i === 0 ? Infinity : p.startMs - slow[i - 1]!.startMs));
  const clustered = slow.filter((_, i) => after[i]! < NEAR_MS || (after[i + 1] ?? Infinity) < NEAR_MS).length;
  const episodes: Episode[] = [];
  slow.forEach((p, i) => {
    const s = (p.startMs - t0) / 1000;
    const last = episodes[episodes.length - 1];
    if (last && after[i]! < EPISODE_GAP_MS) {
      last.toS = s;
      last.count++;
      last.maxMs = Math.max(last.maxMs, p.durationMs);
    } else {
      episodes.push({ fromS: s, toS: s, count: 1, maxMs: p.durationMs });
    }
  });
  episodes.sort((a, b) => b.count - a.count);
  const perWindow = new Map<number, number>();
  for (const p of inStretch) {
    const window = Math.floor(p.startMs / WINDOW_MS);
    perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
  }
  const inClumps = [...perWindow.values()].filter((n) => n >= CLUMP).reduce((sum, n) => sum + n, 0);
  return { payments: inStretch.length, p99Ms, slow: slow.length, clustered, inClumps, episodes };
}

if (import.meta.main) {
  const [file, from = '41', to = '59'] = process.argv.slice(2);
  if (!file || !(Number(to) > Number(from))) {
    console.error('bursts: expected a k6 CSV written with K6_CSV_TIME_FORMAT=unix_milli, then optionally from-s and to-s');
    process.exit(2);
  }
  const b = burstsOf(paymentsOf(readFileSync(file, 'utf8')), Number(from), Number(to));
  console.log(`${from}–${to} s: ${b.payments} payments, p99 ${b.p99Ms.toFixed(2)} ms; ${b.slow} at or above it, ${b.clustered} of them within ${NEAR_MS} ms of another`);
  console.log(`${b.inClumps} payments started in clumps (${CLUMP} or more in ${WINDOW_MS} ms)`);
  console.log(`episodes (slow payments starting within ${EPISODE_GAP_MS} ms of the one before), largest first:`);
  for (const e of b.episodes.slice(0, 8)) console.log(`  ${e.fromS.toFixed(2)}–${e.toS.toFixed(2)} s: ${e.count} payments, slowest ${e.maxMs.toFixed(1)} ms`);
}
