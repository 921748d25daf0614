/**
 * One run's table (the console, table.md, the report) and its line in a series
 * (report/series.ts), from what bench/run.ts measured.
 */
import { availableParallelism } from 'node:os';
import { recoveryCells, workOff, type Forwarded, type RecoveryWindow } from '../recovery.ts';
import { PATH_CPU, type Samples } from '../sampler.ts';
import type { WakeDelay } from '../wake-probe.ts';
import type { RunOutcome } from './series.ts';

/** What bench/k6/contest.js writes to score.json's summary. */
export interface Score {
  accepted: number;
  failed: number;
  default_count: number;
  fallback_count: number;
  inconsistencies: number;
  lag: number;
  p99_ms: number;
  bonus: number;
  net: number;
  net_pct_of_ceiling: number;
}

export interface RunFigures {
  startMs: number;
  score: Score;
  floorP99Ms: number;
  /** The CPUs nginx answered the floor on (floor-cpus.ts). */
  floorCpus: string;
  /** Payments in the backend's own summary once the queue was drained. */
  processedAtEnd: number;
  /** From the last request to an empty queue; null when Redis could not be read. */
  drainMs: number | null;
  samples: Samples;
  /** Each service's memory limit in the compose file, in bytes (null: none). */
  limits: Map<string, number | null>;
  recovery: RecoveryWindow | null;
  forwarded: Forwarded;
  wake: { floor: WakeDelay | null; run: WakeDelay | null };
  /** The whole machine's CPU through the floor run. */
  floorHost: { busy: number; steal: number } | null;
}

export interface Row {
  label: string;
  value: string;
}

const WAKE_LABEL = 'wake-up round trip of two idle processes, p99 (p99.9): floor run / this run';
const RECOVERY_LABEL = 'failure-window backlog once default recovers: peak (queue + in flight), gone after';
const DRAIN_LABEL = 'worker working it off: forwarded per second while it fell, worker CPU per payment';
const FLOOR_HOST_LABEL = 'host CPU during the floor run: busy / stolen, mean';
const HOST_LABEL = `host CPU (${availableParallelism()} CPUs): busy / stolen by the hypervisor, mean (peak second)`;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const wakeCell = (w: WakeDelay | null) => (w ? `${w.p99Ms.toFixed(2)} ms (${w.p999Ms.toFixed(2)} ms)` : '-');
type HostSamples = Samples['host'];
const meanPeak = (of: HostSamples, key: 'busy' | 'steal') =>
  of.length === 0 ? '-' : `${Math.round(of.reduce((sum, s) => sum + s[key], 0) / of.length)}% (${Math.round(Math.max(...of.map((s) => s[key])))}%)`;

type RecoveryCells = ReturnType<typeof recoveryCells>;

/** The run's table, row by row, and its line in a series with its figures against the goals. */
export function runRows(f: RunFigures): { table: Row[]; row: string; outcome: RunOutcome } {
  const recovery = recoveryCells(f.recovery, f.forwarded);
  const table = tableRows(f, recovery);
  return { table, ...seriesLine(f, table, recovery.series) };
}

function tableRows(f: RunFigures, recovery: RecoveryCells): Row[] {
  const { score, samples } = f;
  const stackCpu = Object.values(samples.cpuSeconds).reduce((sum, v) => sum + v, 0);
  const peak = (rows: Samples['rss'], name: string) => Math.max(0, ...rows.map((s) => s.bytes[name] ?? 0));
  const peakCpu = (name: string) => Math.max(0, ...samples.cpu.map((s) => s.percent[name] ?? 0));
  const services = Object.keys(samples.rss[0]?.bytes ?? {});
  const busySteal = (of: HostSamples) => `${meanPeak(of, 'busy')} / ${meanPeak(of, 'steal')}`;
  return [
    { label: 'payments sent / accepted', value: `${score.accepted + score.failed} / ${score.accepted}` },
    { label: 'default / fallback', value: `${score.default_count} / ${score.fallback_count}` },
    { label: 'inconsistencies', value: String(score.inconsistencies) },
    { label: 'lag (at teardown)', value: String(score.lag) },
    { label: 'processed after drain', value: `${f.processedAtEnd} of ${score.accepted}` },
    { label: 'p99 (all successful requests)', value: `${score.p99_ms.toFixed(2)} ms` },
    { label: 'p99 floor (nginx alone)', value: `${f.floorP99Ms.toFixed(2)} ms` },
    { label: 'floor run: nginx on CPUs', value: f.floorCpus },
    { label: 'p99 minus floor', value: `${(score.p99_ms - f.floorP99Ms).toFixed(2)} ms` },
    { label: 'bonus', value: `${Math.round(score.bonus * 100)}%` },
    { label: 'net profit', value: score.net.toFixed(2) },
    { label: 'net profit / ceiling', value: `${score.net_pct_of_ceiling.toFixed(2)}%` },
    { label: 'queue empty after last request', value: f.drainMs === null ? 'not measured (Redis not reachable)' : `${f.drainMs} ms` },
    { label: 'stack CPU per accepted payment', value: `${Math.round((stackCpu * 1e6) / Math.max(1, score.accepted))} µs (${stackCpu.toFixed(1)} CPU-s in all)` },
    { label: RECOVERY_LABEL, value: recovery.backlog },
    { label: DRAIN_LABEL, value: recovery.drain },
    { label: 'worker CPU per forwarded payment', value: `${Math.round(((samples.cpuSeconds.worker ?? 0) * 1e6) / Math.max(1, f.processedAtEnd))} µs` },
    // Everything on the machine (k6 and the processors too), per second, as a share of all its CPUs.
    { label: HOST_LABEL, value: busySteal(samples.host) },
    // Whether the one CPU nginx, the APIs and Redis share ran out: everything on it, theirs or not.
    ...(PATH_CPU === null ? [] : [{ label: `the request path's CPU (CPU ${PATH_CPU}): busy / stolen, mean (peak second)`, value: busySteal(samples.pathCpu) }]),
    { label: WAKE_LABEL, value: `${wakeCell(f.wake.floor)} / ${wakeCell(f.wake.run)}` },
    { label: FLOOR_HOST_LABEL, value: f.floorHost ? `${Math.round(f.floorHost.busy)}% / ${Math.round(f.floorHost.steal)}%` : '-' },
    ...services.map((name) => ({
      label: `${name}: peak RSS (anonymous) / cgroup peak / limit, peak CPU, throttled, CPU-s`,
      value: `${mb(peak(samples.rss, name))} (${mb(peak(samples.anon, name))}) / ${name in samples.memoryPeak ? mb(samples.memoryPeak[name]!) : '-'} / ${f.limits.get(name) ? mb(f.limits.get(name)!) : '-'}, ${Math.round(peakCpu(name))}%, ${(samples.throttledEnd[name] ?? 0) - (samples.throttledStart[name] ?? 0)}x, ${(samples.cpuSeconds[name] ?? 0).toFixed(1)}`,
    })),
  ];
}

/** The run's line in a series' table of runs (SERIES_HEADER's columns), read from its table. */
function seriesLine(f: RunFigures, table: readonly Row[], recoverySeries: RecoveryCells['series']): { row: string; outcome: RunOutcome } {
  const value = (label: string) => table.find((r) => r.label === label)?.value ?? '-';
  const cells = [
    new Date(f.startMs).toISOString().slice(11, 16),
    ...['p99 (all successful requests)', 'p99 floor (nginx alone)', 'p99 minus floor', 'lag (at teardown)', 'inconsistencies', 'default / fallback', 'queue empty after last request', 'net profit'].map(value),
    value('stack CPU per accepted payment').split(' (')[0]!,
    value('worker CPU per forwarded payment'),
    ...recoverySeries,
    value(HOST_LABEL),
    f.floorHost ? `${Math.round(f.floorHost.steal)}%` : '-',
    f.wake.floor && f.wake.run ? `${f.wake.floor.p99Ms.toFixed(2)} / ${f.wake.run.p99Ms.toFixed(2)} ms` : '-',
  ];
  const { score } = f;
  const outcome: RunOutcome = {
    lag: score.lag,
    inconsistencies: score.inconsistencies,
    fallback: score.fallback_count,
    accepted: score.accepted,
    processed: f.processedAtEnd,
    drainMs: f.drainMs,
    // As the table shows it: a gap printed as 2.80 ms meets 2.8 ms.
    gapMs: Number((score.p99_ms - f.floorP99Ms).toFixed(2)),
    workOff: f.recovery ? workOff(f.recovery, f.forwarded) : null,
  };
  return { row: `| ${cells.join(' | ')} |`, outcome };
}
