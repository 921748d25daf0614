import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstant, windowBounds } from './time.ts';

describe('timestamps', () => {
  test('a UTC timestamp with milliseconds parses exactly', () => {
    assert.deepEqual(parseInstant('2020-07-10T12:34:56.789Z'), { ms: Date.UTC(2020, 6, 10, 12, 34, 56, 789), subMs: false });
  });

  test('an offset is converted to UTC', () => {
    assert.equal(parseInstant('2020-07-10T09:34:56.000-03:00')?.ms, Date.UTC(2020, 6, 10, 12, 34, 56));
  });

  test('impossible dates are refused', () => {
    assert.equal(parseInstant('2025-02-30T00:00:00Z'), null);
    assert.equal(parseInstant('2025-13-01T00:00:00Z'), null);
    assert.equal(parseInstant('yesterday'), null);
  });

  test('a from with sub-millisecond digits rounds up, a to rounds down', () => {
    const at = Date.UTC(2020, 6, 10, 12, 34, 56, 100);
    assert.deepEqual(windowBounds('2020-07-10T12:34:56.100001Z', '2020-07-10T12:34:56.100999Z'), { fromMs: at + 1, toMs: at });
  });

  test('zero sub-millisecond digits change nothing', () => {
    const at = Date.UTC(2020, 6, 10, 12, 34, 56, 100);
    assert.deepEqual(windowBounds('2020-07-10T12:34:56.100000Z', '2020-07-10T12:34:56.1000000Z'), { fromMs: at, toMs: at });
  });

  test('an unparseable bound names its parameter', () => {
    assert.match((windowBounds('nope', null) as { error: string }).error, /^from: /);
    assert.match((windowBounds(null, '2020-99-01') as { error: string }).error, /^to: /);
  });
});
