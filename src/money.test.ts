import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { centsFromText, centsToNumber, formatCents } from './money.ts';

describe('money', () => {
  test('amount text with up to 2 decimals becomes exact cents', () => {
    assert.equal(centsFromText('19.9'), 1990);
    assert.equal(centsFromText('0.01'), 1);
    assert.equal(centsFromText('1.15'), 115);
    assert.equal(centsFromText('4.35'), 435);
    assert.equal(centsFromText('1234567.89'), 123456789);
    assert.equal(centsFromText('19.900'), 1990, 'trailing zeros are the same amount');
    assert.equal(centsFromText('1E2'), 10000);
  });

  test('a third decimal, zero, negatives and text that is not a number are refused', () => {
    for (const bad of ['19.999', '0.001', '1000.005', '0', '0.000', '-1', '1e-3', 'NaN', 'Infinity', '', '1.', '.5']) assert.equal(centsFromText(bad), null, bad);
  });

  test('cents print as decimal text with two places', () => {
    assert.equal(formatCents(1990), '19.90');
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(0), '0.00');
    assert.equal(centsToNumber(33234567), 332345.67);
  });
});
