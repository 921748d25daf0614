import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { probeWakeDelay } from './wake-probe.ts';

test('the probe times echoed round trips every 5 ms and reports ordered percentiles', async () => {
  const delay = await probeWakeDelay(0.5);
  assert.ok(delay.samples >= 20 && delay.samples <= 100, `${delay.samples} round trips in 0.5 s`);
  assert.ok(delay.p50Ms > 0 && delay.p50Ms <= delay.p99Ms && delay.p99Ms <= delay.p999Ms && delay.p999Ms <= delay.maxMs, JSON.stringify(delay));
});

test('run by hand without a duration, it says what it expected and exits 2', () => {
  const run = spawnSync(process.execPath, ['bench/wake-probe.ts'], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /wake-probe: expected a duration in seconds, got ""/);
});
