import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_AMOUNT_CENTS } from '../money.ts';
import { HttpError } from '../http/errors.ts';
import { validatePayment } from './validate.ts';

/**
 * Generated, not hand-picked: amounts across every magnitude from 0.01 to the
 * maximum, written the ways a client may write them, must become exactly the
 * cents the text says; the same amounts with any further non-zero decimal must
 * be refused. The body goes through JSON.parse first, as in the API.
 */
const id = '4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3';

/** A small seeded generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Cents spread over every power of ten up to the maximum, plus the edges. */
function sampleCents(next: () => number): number[] {
  const out = [1, 9, 10, 99, 100, 101, MAX_AMOUNT_CENTS - 1, MAX_AMOUNT_CENTS];
  for (let digits = 1; digits <= 11; digits++) {
    for (let i = 0; i < 300; i++) {
      const cents = Math.floor(10 ** (digits - 1) + next() * 9 * 10 ** (digits - 1));
      if (cents >= 1 && cents <= MAX_AMOUNT_CENTS) out.push(cents);
    }
  }
  return out;
}

/** The ways a client may write the amount: shortest JS text, two places, trailing zeros, exponents. */
function spellings(cents: number): string[] {
  const units = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  const out = [JSON.stringify(cents / 100), `${units}.${rest}`, `${units}.${rest}000`, `${cents}e-2`, `${cents}0E-3`, `0.${cents}e${String(cents).length - 2}`, `${cents * 1000}e-5`];
  if (rest.endsWith('0')) out.push(`${units}.${rest[0]}`);
  if (rest === '00') out.push(String(units), `${units / 10 ** (String(units).length - 1)}e${String(units).length - 1}`);
  return out;
}

function cents(text: string): number | HttpError {
  const body = `{"correlationId":"${id}","amount":${text}}`;
  try {
    return validatePayment(JSON.parse(body), body).cents;
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
}

describe('amount validation over generated amounts', () => {
  test('every amount with at most 2 decimals, at every magnitude and spelling, becomes exactly its cents', () => {
    const next = random(1);
    let checked = 0;
    for (const c of sampleCents(next)) {
      for (const text of spellings(c)) {
        assert.equal(cents(text), c, `amount ${text} should be ${c} cents`);
        checked++;
      }
    }
    assert.ok(checked > 10_000, `checked ${checked} spellings`);
  });

  test('a non-zero digit past the second decimal is a 400 at every magnitude, however far out', () => {
    const next = random(2);
    let checked = 0;
    for (const c of sampleCents(next)) {
      if (c === MAX_AMOUNT_CENTS) continue;
      const base = `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
      // A third decimal (1000.005), or one far beyond what a double can hold (19.90000000000000000001).
      const zeros = Math.floor(next() * 20);
      const digit = 1 + Math.floor(next() * 9);
      for (const text of [`${base}${'0'.repeat(zeros)}${digit}`, `${base}${digit}`, `${c}${digit}e-3`]) {
        const result = cents(text);
        assert.ok(result instanceof HttpError && result.status === 400, `amount ${text} should be a 400, got ${result instanceof HttpError ? result.status : `${result} cents`}`);
        assert.match(result.message, /at most 2 decimals/);
        checked++;
      }
    }
    assert.ok(checked > 5_000, `checked ${checked} amounts`);
  });

  test('the known cases: 1000.005 and a float artifact are refused, 19.90 and 1e2 accepted', () => {
    assert.ok(cents('1000.005') instanceof HttpError);
    assert.ok(cents('99999999.999') instanceof HttpError);
    assert.ok(cents('0.30000000000000004') instanceof HttpError);
    assert.equal(cents('19.90'), 1990);
    assert.equal(cents('1e2'), 10000);
    assert.equal(cents('0.1'), 10);
  });

  test('the amount is read from the member that JSON.parse keeps, wherever it sits in the body', () => {
    const body = `{"amount":1.001, "note":{"amount":[1,"}"]}, "correlationId":"${id}", "\\u0061mount" : 12.5 }`;
    assert.equal(validatePayment(JSON.parse(body), body).cents, 1250);
  });

  test('beyond the maximum is a 400 naming the maximum', () => {
    for (const text of ['100000000.01', '1e12', '1e400']) {
      const result = cents(text);
      assert.ok(result instanceof HttpError && /at most 100000000.00/.test(result.message), `${text}: ${String(result)}`);
    }
  });
});
