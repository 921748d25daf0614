// Timestamps are kept as epoch microseconds, the precision of the reference's
// Postgres timestamp column, so BETWEEN comparisons behave the same.

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** ISO-8601 with a Z or ±hh:mm offset and 0-7 fractional digits -> epoch µs; null when it is none. */
export function parseIsoMicros(text: string): number | null {
  const match = ISO.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCDate() !== day) return null; // e.g. February 30th rolled over
  // A 7th digit (100 ns) is truncated, as Npgsql does turning .NET ticks into µs.
  const micros = match[7] === undefined ? 0 : Number(match[7].padEnd(7, '0').slice(0, 6));
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetMins = Number(match[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return (date.getTime() - offsetMinutes * 60_000) * 1000 + micros;
}

/** Epoch µs -> "...56.123Z", or "...56.123456Z" when there are sub-millisecond digits. */
export function formatIsoMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const rest = micros - millis * 1000;
  const iso = new Date(millis).toISOString();
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
