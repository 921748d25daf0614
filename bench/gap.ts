/**
 * Where a run's tail leaves the floor's, over stored full runs: each second's
 * payment p99 (k6) minus the floor's in the same second of the same ramp (both
 * post the same request: k6/lib/payment.js), as medians over three stretches of
 * the test. Usage: node bench/gap.ts bench/results/<run>-full ...
 * (runs stored before the floor kept its seconds, without floor-summary.json, are skipped).
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readPaymentTimings } from './k6summary.ts';
import { percentile } from './report/render.ts';

/** Seconds of the contest's 60 s test; 0 (cold connections) and 60 (a partial second) are left out. */
export const STRETCHES = [
  { label: '1–19 s', from: 1, to: 19 },
  { label: '20–40 s (failure window)', from: 20, to: 40 },
  { label: '41–59 s (backlog worked off, peak rate)', from: 41, to: 59 },
];

export interface Stretch {
  label: string;
  /** Medians over the stretch's seconds that both runs have. */
  gapMs: number;
  runMs: number;
  floorMs: number;
}

export function gapsOf(run: Map<number, number>, floor: Map<number, number>): Stretch[] {
  return STRETCHES.map(({ label, from, to }) => {
    const seconds = [...run.keys()].filter((s) => s >= from && s <= to && floor.has(s));
    const median = (values: number[]) => percentile(values, 50);
    return {
      label,
      gapMs: median(seconds.map((s) => run.get(s)! - floor.get(s)!)),
      runMs: median(seconds.map((s) => run.get(s)!)),
      floorMs: median(seconds.map((s) => floor.get(s)!)),
    };
  });
}

function p99BySecond(path: string): Map<number, number> {
  return new Map(readPaymentTimings(path).perSecond.map((s) => [s.second, s.p99Ms]));
}

if (import.meta.main) {
  const dirs = process.argv.slice(2).filter((dir) => existsSync(join(dir, 'floor-summary.json')));
  if (dirs.length === 0) {
    console.error('gap: expected one or more stored full runs with floor-summary.json, e.g. bench/results/*-full');
    process.exit(2);
  }
  const cell = (s: Stretch) => `${s.gapMs.toFixed(1)} ms (${s.runMs.toFixed(1)} against ${s.floorMs.toFixed(1)})`;
  console.log(`median over seconds of the run's p99 minus the floor's (run against floor)\n`);
  console.log(`| run | ${STRETCHES.map((s) => s.label).join(' | ')} |`);
  console.log(`|---|${STRETCHES.map(() => '---|').join('')}`);
  for (const dir of dirs) {
    const stretches = gapsOf(p99BySecond(join(dir, 'k6-summary.json')), p99BySecond(join(dir, 'floor-summary.json')));
    console.log(`| ${basename(dir)} | ${stretches.map(cell).join(' | ')} |`);
  }
}
