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
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), Number(fraction.slice(0, 3).padEnd(3, '0')));
  if (new Date(ms).getUTCDate() !== day) return null; // 2025-02-30 and the like
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return { ms, subMs: /[1-9]/.test(fraction.slice(3)) };
}

/** Inclusive millisecond window for from/to query values; undefined sides are open. */
export function windowBounds(from: string | null, to: string | null): { fromMs: number; toMs: number } | { error: string } {
  let fromMs = -8.64e15;
  let toMs = 8.64e15;
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
