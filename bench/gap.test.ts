import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gapsOf } from './gap.ts';

const seconds = (p99: (second: number) => number) => new Map(Array.from({ length: 61 }, (_, s) => [s, p99(s)]));

test('each stretch gets the median of its seconds, run minus floor', () => {
  // 2 ms over the floor until 40 s, 10 ms over it after.
  const [before, window, after] = gapsOf(seconds((s) => (s <= 40 ? 5 : 13)), seconds(() => 3));
  assert.deepEqual([before!.gapMs, before!.runMs, before!.floorMs], [2, 5, 3]);
  assert.deepEqual([window!.gapMs, after!.gapMs, after!.runMs], [2, 10, 13]);
});

test('only the seconds both runs have are counted', () => {
  // The floor lacks 20-30 s, where the run was slow: those seconds would otherwise be most of the window.
  const run = seconds((s) => (s >= 20 && s <= 30 ? 100 : 5));
  const floor = seconds(() => 3);
  for (let s = 20; s <= 30; s++) floor.delete(s);
  const window = gapsOf(run, floor)[1]!;
  assert.deepEqual([window.gapMs, window.runMs], [2, 5]);
});

test('a second the floor beat by more than the run is a negative gap, not dropped', () => {
  const run = seconds(() => 4);
  const floor = seconds((s) => (s < 20 ? 6 : 4));
  assert.equal(gapsOf(run, floor)[0]!.gapMs, -2);
});
