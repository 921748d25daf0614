import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { centsToNumber, formatCents, toCents } from './money.ts';

describe('money', () => {
  test('amounts with up to 2 decimals become exact cents, despite float noise', () => {
    assert.equal(toCents(19.9), 1990);
    assert.equal(toCents(0.01), 1);
    assert.equal(toCents(1.15), 115);
    assert.equal(toCents(4.35), 435);
    assert.equal(toCents(1234567.89), 123456789);
  });

  test('a third decimal, zero, negatives and non-finite numbers are refused', () => {
    for (const bad of [19.999, 0.001, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(toCents(bad), null, String(bad));
  });

  test('cents print as decimal text with two places', () => {
    assert.equal(formatCents(1990), '19.90');
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(0), '0.00');
    assert.equal(centsToNumber(33234567), 332345.67);
  });
});
