/**
 * ISO-8601 timestamps to epoch milliseconds, exact at the edges of a window.
 * Stored times have millisecond precision, so a bound with sub-millisecond digits
 * is rounded inwards: `from` up, `to` down. Both ends stay inclusive.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export interface Instant {
  ms: number;
  /** True when digits below the millisecond were present and not all zero. */
  subMs: boolean;
}

export function parseInstant(text: string): Instant | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes the year as written.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(fraction.slice(0, 3).padEnd(3, '0')));
  if (date.getUTCDate() !== day) return null; // 2025-02-30 and the like
  let ms = date.getTime();
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2));
    if (hours > 23 || minutes > 59) return null; // +99:99 is no offset
    ms -= sign * (hours * 60 + minutes) * 60_000;
  }
  return { ms, subMs: /[1-9]/.test(fraction.slice(3)) };
}

/** Open bounds: the earliest and latest instants a Date can hold; a window from NO_FROM to NO_TO is all time. */
export const NO_FROM = -8.64e15;
export const NO_TO = 8.64e15;

/** Inclusive millisecond window for from/to query values; absent sides are open (NO_FROM, NO_TO). */
export function windowBounds(from: string | null, to: string | null): { fromMs: number; toMs: number } | { error: string } {
  let fromMs = NO_FROM;
  let toMs = NO_TO;
  if (from !== null && from !== '') {
    const instant = parseInstant(from);
    if (!instant) return { error: `from: expected an ISO-8601 timestamp such as 2025-07-10T12:34:56.000Z, got "${from}"` };
    fromMs = instant.subMs ? instant.ms + 1 : instant.ms;
  }
  if (to !== null && to !== '') {
    const instant = parseInstant(to);
    if (!instant) return { error: `to: expected an ISO-8601 timestamp such as 2025-07-10T12:35:56.000Z, got "${to}"` };
    toMs = instant.ms;
  }
  return { fromMs, toMs };
}
