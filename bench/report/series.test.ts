import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalLines, seriesText, type RunOutcome } from './series.ts';

const good: RunOutcome = { lag: 0, inconsistencies: 0, fallback: 0, accepted: 16_730, processed: 16_730, drainMs: 91, gapMs: 2.24, workOff: { perSecond: 3706, usPerPayment: 90 } };

test('a series where every run meets every goal says so on each line', () => {
  const lines = goalLines([good, good, good]);
  assert.equal(lines.length, 4);
  for (const line of lines) assert.match(line, /: 3 of 3$/);
});

test('a gap above 2.8 ms counts against that goal only, and the line says not met', () => {
  const lines = goalLines([good, { ...good, gapMs: 2.81 }, { ...good, gapMs: 2.8 }]);
  assert.equal(lines.find((l) => l.includes('p99 within 2.8 ms')), '- p99 within 2.8 ms of the floor: 2 of 3 (not met)');
  assert.equal(lines.filter((l) => l.endsWith('3 of 3')).length, 3);
});

test('lag, an inconsistency, a payment on fallback or one left unprocessed each fail the books goal', () => {
  const runs = [{ lag: 1 }, { inconsistencies: 1 }, { fallback: 1 }, { processed: 16_729 }].map((change) => ({ ...good, ...change }));
  assert.match(goalLines(runs)[0]!, /^- lag 0, .*: 0 of 4 \(not met\)$/);
});

test('a queue that took over a second, or could not be read, fails the drain goal', () => {
  assert.match(goalLines([{ ...good, drainMs: 1001 }, { ...good, drainMs: null }, good])[1]!, /: 1 of 3 \(not met\)$/);
});

test('a backlog worked off below 2,000/s, above 200 µs, or not measured fails that goal', () => {
  const runs = [{ perSecond: 1999, usPerPayment: 90 }, { perSecond: 3000, usPerPayment: 201 }, null].map((workOff) => ({ ...good, workOff }));
  assert.match(goalLines(runs)[2]!, /^- backlog worked off at ≥ 2,000\/s and ≤ 200 µs a payment: 0 of 3 \(not met\)$/);
});

test('the series text is the table of runs, one row per run, then one line per goal', () => {
  const text = seriesText([{ row: '| 01:00 | a |', outcome: good }, { row: '| 01:02 | b |', outcome: { ...good, gapMs: 3 } }], true);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^\| run \(UTC\) \| p99 \| floor p99 \| p99 − floor \|/);
  assert.deepEqual(lines.slice(2, 4), ['| 01:00 | a |', '| 01:02 | b |']);
  assert.equal(lines.at(-1), '- p99 within 2.8 ms of the floor: 1 of 2 (not met)');
});

test('a series of smoke runs has its table but no goals: those are held to full runs', () => {
  const text = seriesText([{ row: '| 01:00 | a |', outcome: good }], false);
  assert.equal(text.split('\n').length, 3);
  assert.doesNotMatch(text, /Goals/);
});
