import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secondsOf } from './steal.ts';

/** A stored run: k6's per-second p99 from second 0, host samples from the sampler's start 2 s earlier. */
function storedRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steal-'));
  const metrics: Record<string, { values: Record<string, number> }> = { payments_started_ms: { values: { max: 12_000 } } };
  [3, 8, 40].forEach((p99, second) => {
    metrics[`http_req_duration{sec:${second},expected_response:true}`] = { values: { 'p(99)': p99, med: 1 } };
    metrics[`http_reqs{sec:${second}}`] = { values: { count: 100 } };
  });
  writeFileSync(join(dir, 'k6-summary.json'), JSON.stringify({ metrics }));
  writeFileSync(join(dir, 'result.json'), JSON.stringify({ startMs: 10_000 }));
  const host = [1, 2, 3, 4, 5].map((s) => ({ tMs: s * 1000, busy: 10 * s, steal: s }));
  writeFileSync(join(dir, 'samples.json'), JSON.stringify({ host }));
  return dir;
}

test("each k6 second is paired with the host sample that covers it, shifted by k6's start", () => {
  // k6's second 0 is the sampler's second 2, covered by the sample at 3 s (busy 30%, steal 3%).
  assert.deepEqual(secondsOf(storedRun()), [
    { p99Ms: 3, busy: 30, steal: 3 },
    { p99Ms: 8, busy: 40, steal: 4 },
    { p99Ms: 40, busy: 50, steal: 5 },
  ]);
});
