/**
 * Latency against the machine, over stored full runs: each second's payment p99
 * (k6) beside what the host did in that second (bench/sampler.ts: busy share,
 * share stolen by the hypervisor), grouped. Tells apart a tail the stack makes from
 * one the host makes. Usage: node bench/steal.ts bench/results/<run>-full ...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPaymentTimings } from './k6summary.ts';
import type { Samples } from './sampler.ts';

interface Second {
  p99Ms: number;
  busy: number;
  steal: number;
}

/** The seconds of one run; samples count from the sampler's start, k6 from the scenario's (offset: result.json). */
export function secondsOf(dir: string): Second[] {
  const timings = readPaymentTimings(join(dir, 'k6-summary.json'));
  const samples = JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as Samples;
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { startMs?: number };
  // Runs stored before result.json had startMs: k6 starts within a second of the sampler.
  const offset = result.startMs ? Math.round((timings.startedAtMs - result.startMs) / 1000) : 0;
  const p99 = new Map(timings.perSecond.map((s) => [s.second + offset, s.p99Ms]));
  // A host sample at tMs covers the second before it.
  return (samples.host ?? []).flatMap((h) => {
    const second = Math.round(h.tMs / 1000) - 1;
    const p = p99.get(second);
    return p === undefined ? [] : [{ p99Ms: p, busy: h.busy, steal: h.steal }];
  });
}

function median(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? '-' : `${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms`;
}

function table(title: string, seconds: Second[], key: 'steal' | 'busy', edges: number[]): string {
  const rows = edges.slice(0, -1).map((low, i) => {
    const high = edges[i + 1]!;
    const inside = seconds.filter((s) => s[key] >= low && s[key] < high);
    return `| ${low}–${Math.min(high, 100)}% | ${inside.length} | ${median(inside.map((s) => s.p99Ms))} |`;
  });
  return [`| ${title} | seconds | median of their p99 |`, '|---|---|---|', ...rows].join('\n');
}

if (import.meta.main) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('steal: expected one or more stored full runs, e.g. bench/results/*-full');
    process.exit(2);
  }
  const seconds = dirs.flatMap(secondsOf);
  console.log(`${dirs.length} runs, ${seconds.length} seconds with both a p99 and a host sample\n`);
  console.log(table('host CPU stolen in that second', seconds, 'steal', [0, 5, 10, 20, 101]));
  console.log('');
  console.log(table('host CPU busy, seconds with < 5% stolen', seconds.filter((s) => s.steal < 5), 'busy', [0, 30, 50, 70, 101]));
}
