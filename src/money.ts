/** Money is integer cents inside the system; decimals exist only at the edges. */

/** Largest accepted amount: keeps every sum of a day's payments exact in a double. */
export const MAX_AMOUNT_CENTS = 100_000_000_00;

/** Cents for a JSON amount, or null when it is not a positive number with at most 2 decimals. */
export function toCents(amount: number): number | null {
  if (!Number.isFinite(amount) || amount <= 0) return null;
  const cents = Math.round(amount * 100);
  // 19.9 * 100 is 1990.0000000000002: allow float noise, refuse a third decimal.
  if (Math.abs(amount * 100 - cents) > 1e-6 * Math.max(1, Math.abs(cents))) return null;
  if (cents < 1 || cents > MAX_AMOUNT_CENTS) return null;
  return cents;
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
