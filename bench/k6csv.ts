import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Reads k6's CSV output (--out csv, K6_CSV_TIME_FORMAT=unix_milli) and keeps the
 * durations of successful payment requests, bucketed by second since startMs.
 */
export interface PaymentTimings {
  perSecond: Map<number, number[]>;
  lastRequestMs: number;
}

export async function readPaymentTimings(path: string, startMs: number): Promise<PaymentTimings> {
  const perSecond = new Map<number, number[]>();
  let lastRequestMs = 0;
  let columns: string[] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    const cells = line.split(',');
    if (columns.length === 0) {
      columns = cells;
      continue;
    }
    if (cells[0] !== 'http_req_duration') continue;
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    if (row.scenario !== 'payments' || row.expected_response !== 'true') continue;
    const atMs = Number(row.timestamp);
    const second = Math.floor((atMs - startMs) / 1000);
    let bucket = perSecond.get(second);
    if (!bucket) perSecond.set(second, (bucket = []));
    bucket.push(Number(row.metric_value));
    lastRequestMs = Math.max(lastRequestMs, atMs);
  }
  return { perSecond, lastRequestMs };
}
