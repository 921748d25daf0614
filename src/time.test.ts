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

  test('years 0000 to 0099 stay in the first century, not 19xx', () => {
    for (const year of [0, 1, 50, 99]) {
      const text = `${String(year).padStart(4, '0')}-03-01T00:00:00.000Z`;
      assert.equal(new Date(parseInstant(text)!.ms).toISOString(), text, text);
    }
  });

  test('offsets beyond ±23:59 are refused, the largest valid one is read', () => {
    for (const bad of ['+99:99', '+24:00', '-05:60', '+2400']) assert.equal(parseInstant(`2020-07-10T12:00:00Z`.replace('Z', bad)), null, bad);
    assert.equal(parseInstant('2020-07-10T23:59:00+23:59')?.ms, Date.UTC(2020, 6, 10, 0, 0));
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
