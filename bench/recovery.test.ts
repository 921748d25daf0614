import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGES } from './k6/lib/stages.js';
import { BACKLOG_GONE_DEPTH, recoveryAtMs, recoveryCells, recoveryWindow } from './recovery.ts';

/** A backlog growing by 500 per 100 ms sample until 40 s, then falling by 1,000 per sample; CPU sampled every second. */
function samples(fallPerSample = 1000, growUntilMs = 40_000) {
  const queue: { tMs: number; depth: number }[] = [];
  let depth = 0;
  for (let tMs = 30_000; tMs <= 50_000; tMs += 100) {
    depth = tMs <= growUntilMs ? depth + 500 : Math.max(20, depth - fallPerSample);
    queue.push({ tMs, depth });
  }
  const cpu = Array.from({ length: 21 }, (_, i) => ({ tMs: 30_050 + i * 1000, percent: { worker: i >= 11 && i <= 13 ? 45 : 2, api1: 10 } }));
  return { queue, cpu };
}

test('the backlog is the depth at recovery, and it is gone at the first sample at or below arrivals', () => {
  const w = recoveryWindow(samples(), 40_000)!;
  assert.equal(w.backlog, 50_500);
  // 50,500 falls by 1,000 per 100 ms: 50 samples after 40 s it reads 500, 51 after, under 100.
  assert.equal(w.goneAfterMs, 5_100);
  assert.equal(w.goneTMs, 45_100);
  assert.equal(w.peakTMs, 40_000, 'it peaked at recovery');
  assert.ok(samples().queue.find((s) => s.tMs === 40_000 + w.goneAfterMs!)!.depth <= BACKLOG_GONE_DEPTH);
});

test('the backlog is its peak after recovery, while the worker has not yet noticed it', () => {
  const w = recoveryWindow(samples(1000, 40_500), 40_000)!;
  assert.equal(w.backlog, 53_000);
  assert.equal(w.peakTMs, 40_500);
  assert.equal(w.goneAfterMs, 5_800);
});

test("the worker's CPU is summed over the whole sampled seconds from before recovery to after the backlog went", () => {
  const w = recoveryWindow(samples(), 40_000)!;
  assert.equal(w.fromTMs, 39_050, 'the last CPU sample before recovery');
  assert.equal(w.toTMs, 46_050, 'the first CPU sample after the backlog went (45.1 s)');
  // Samples at 40.05-46.05 s: three at 45% and four at 2%, a second each.
  assert.ok(Math.abs(w.workerCpuSeconds - (3 * 0.45 + 4 * 0.02)) < 1e-9, String(w.workerCpuSeconds));
});

test('a backlog still there at the last sample is reported as not gone, measured to the end', () => {
  const w = recoveryWindow(samples(1), 40_000)!;
  assert.equal(w.goneAfterMs, null);
  assert.equal(w.toTMs, 50_050);
  assert.match(recoveryCells(w, { inWindow: 1000, whileFalling: 900 }).backlog, /not gone by the end/);
});

test('no samples before recovery: nothing measured', () => {
  assert.equal(recoveryWindow(samples(), 20_000), null);
  assert.deepEqual(recoveryCells(null, { inWindow: 0, whileFalling: 0 }), { backlog: 'not measured', drain: 'not measured', series: ['-', '-'] });
});

test('the cells give the rate and the CPU per payment forwarded in the window', () => {
  const window = { backlog: 5000, peakTMs: 41_000, goneTMs: 43_500, goneAfterMs: 3_500, fromTMs: 39_900, toTMs: 43_900, workerCpuSeconds: 1.6 };
  const cells = recoveryCells(window, { inWindow: 8_000, whileFalling: 6_000 });
  assert.equal(cells.backlog, '5000 payments, gone after 3.5 s');
  assert.equal(cells.drain, '2400/s, 200 µs (6000 payments in the 2.5 s it fell; 8000 and 1.60 worker CPU-s in the 4 s sampled around it)');
  assert.deepEqual(cells.series, ['5000, gone after 3.5 s', '2400/s, 200 µs'], "a series' row: the same, short");
});

test("recovery is the contest's 40 s, scaled to the run, and none in a stage table where default never stops failing", () => {
  assert.equal(recoveryAtMs(60), 40_000);
  assert.equal(recoveryAtMs(20), (40 * 20 * 1000) / 60);
  const neverFailing = STAGES.map((s) => ({ ...s, defaultFailure: false }));
  assert.equal(recoveryAtMs(60, neverFailing), null);
});
