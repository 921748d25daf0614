// Money arithmetic done the way the reference (.NET decimal + Postgres numeric)
// does it: on the decimal text of a number, never on the binary float it parses
// to, so 1.005 stays 1.005 and rounds half to even to 1.00.

/** value = units / 10^scale, scale >= 0. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
// Bounds the powers of ten we build; no real amount or fee comes near it.
const MAX_EXPONENT = 400;

/** Parses JSON number text (optionally with an exponent) exactly; null when it is no number. */
export function parseDecimal(text: string): Decimal | null {
  const match = NUMBER.exec(text);
  if (match === null) return null;
  const fraction = match[3] ?? '';
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (Math.abs(exponent) > MAX_EXPONENT) return null;
  let units = BigInt(match[2]! + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: match[1] === '-' ? -units : units, scale };
}

/** numerator / divisor (divisor > 0) rounded half to even, like decimal.Round. */
export function divideHalfEven(numerator: bigint, divisor: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / divisor;
  const twiceRest = (magnitude % divisor) * 2n;
  if (twiceRest > divisor || (twiceRest === divisor && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** A decimal rounded half to even to whole cents, or null if not a safe integer. */
export function toCents(value: Decimal): number | null {
  const cents = Number(divideHalfEven(value.units * 100n, 10n ** BigInt(value.scale)));
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Cents for JSON number text such as "19.905", or null when unusable. */
export function amountTextToCents(text: string): number | null {
  const value = parseDecimal(text);
  return value === null ? null : toCents(value);
}

/** totalCents * fee, rounded half to even to cents. */
export function feeCents(totalCents: number, fee: Decimal): number {
  return Number(divideHalfEven(BigInt(totalCents) * fee.units, 10n ** BigInt(fee.scale)));
}

/** Cents as a JSON-ready number (3980 -> 39.8); exact for integer cents. */
export function centsToNumber(cents: number): number {
  return cents / 100;
}
