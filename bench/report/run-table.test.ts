import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Samples } from '../sampler.ts';
import { runRows, type RunFigures } from './run-table.ts';
import { SERIES_HEADER } from './series.ts';

const samples = (): Samples => ({
  queue: [],
  rss: [{ tMs: 0, bytes: { api1: 30 * 2 ** 20 } }],
  anon: [{ tMs: 0, bytes: { api1: 10 * 2 ** 20 } }],
  cpu: [{ tMs: 0, percent: { api1: 12.4 } }],
  host: [],
  pathCpu: [],
  throttledStart: { api1: 1 },
  throttledEnd: { api1: 4 },
  cpuSeconds: { api1: 2, worker: 1 },
  memoryPeak: { api1: 20 * 2 ** 20 },
});

const figures = (over: Partial<RunFigures> = {}): RunFigures => ({
  startMs: Date.UTC(2026, 10, 28, 7, 5),
  score: { accepted: 1000, failed: 0, default_count: 1000, fallback_count: 0, inconsistencies: 0, lag: 0, p99_ms: 4.004, bonus: 0.15, net: 20000, net_pct_of_ceiling: 95 },
  floorP99Ms: 1.2,
  floorCpus: '0-1',
  processedAtEnd: 1000,
  drainMs: 90,
  samples: samples(),
  limits: new Map([['api1', 70 * 2 ** 20]]),
  recovery: null,
  forwarded: { inWindow: 0, whileFalling: 0 },
  wake: { floor: null, run: null },
  floorHost: null,
  ...over,
});

const cell = (rows: { label: string; value: string }[], label: string) => rows.find((r) => r.label === label)?.value;

test('the gap to the floor is the run p99 less the floor p99, to two decimals', () => {
  assert.equal(cell(runRows(figures()).table, 'p99 minus floor'), '2.80 ms');
});

test('a gap printed as 2.80 ms counts as 2.80 in the series outcome', () => {
  assert.equal(runRows(figures()).outcome.gapMs, 2.8);
});

test('CPU per payment divides the whole stack by the payments accepted, the worker by those processed', () => {
  const rows = runRows(figures({ processedAtEnd: 500 })).table;
  assert.equal(cell(rows, 'stack CPU per accepted payment'), '3000 µs (3.0 CPU-s in all)');
  assert.equal(cell(rows, 'worker CPU per forwarded payment'), '2000 µs');
});

test('a service row reads RSS, anonymous RSS, cgroup peak, limit, peak CPU, throttles and CPU-seconds', () => {
  const label = 'api1: peak RSS (anonymous) / cgroup peak / limit, peak CPU, throttled, CPU-s';
  assert.equal(cell(runRows(figures()).table, label), '30.0 MB (10.0 MB) / 20.0 MB / 70.0 MB, 12%, 3x, 2.0');
});

test('a queue that could not be read says so in the table and in the outcome', () => {
  const { table, outcome } = runRows(figures({ drainMs: null }));
  assert.equal(cell(table, 'queue empty after last request'), 'not measured (Redis not reachable)');
  assert.equal(outcome.drainMs, null);
});

test('a series line has one cell per column of the series header', () => {
  const { row } = runRows(figures());
  const columns = (line: string) => line.split(' | ').length;
  assert.equal(columns(row), columns(SERIES_HEADER[0]!));
  assert.match(row, /^\| 07:05 \| 4\.00 ms \| 1\.20 ms \| 2\.80 ms \| 0 \| 0 \| 1000 \/ 0 \|/);
});
