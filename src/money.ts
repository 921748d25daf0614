/** Money is integer cents inside the system; decimals exist only at the edges. */

/** Largest accepted amount: keeps every sum of a day's payments exact in a double. */
export const MAX_AMOUNT_CENTS = 100_000_000_00;

const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Cents for an amount written as a JSON number (its text, e.g. "19.90", "1e2"),
 * or null when it is not a positive whole number of cents up to the maximum.
 * Decided on the decimal digits, not on a double: 1000.005 and
 * 19.900000000000000001 round to doubles that look like cents, but the client
 * asked for something else, and paying a rounded amount would be wrong.
 */
export function centsFromText(text: string): number | null {
  const m = JSON_NUMBER.exec(text);
  if (!m || m[1] === '-') return null;
  const whole = m[2]!;
  const fraction = m[3] ?? '';
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  // The value is digits × 10^(exponent − fraction length); in cents, two places more.
  const digits = (whole + fraction).replace(/^0+/, '');
  const shift = exponent - fraction.length + 2;
  if (digits === '') return null; // zero
  let cents: string;
  if (shift >= 0) {
    if (digits.length + shift > 15) return null; // far beyond the maximum
    cents = digits + '0'.repeat(shift);
  } else {
    // Digits past the second decimal must all be zero (19.900 is 19.90).
    if (-shift >= digits.length || /[1-9]/.test(digits.slice(shift))) return null;
    cents = digits.slice(0, shift);
    if (cents.length > 15) return null;
  }
  const value = Number(cents);
  return value >= 1 && value <= MAX_AMOUNT_CENTS ? value : null;
}

/** Decimal text for cents, e.g. 1990 -> "19.90"; valid as a JSON number. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${units}.${rest < 10 ? '0' : ''}${rest}`;
}

/** Cents as a JSON number for responses (19.9 for 1990); exact for sums below 2^53 cents. */
export function centsToNumber(cents: number): number {
  return Number(formatCents(cents));
}
