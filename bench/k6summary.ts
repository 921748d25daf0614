import { readFileSync } from 'node:fs';

/**
 * What bench/run.ts needs from k6's summary (k6-summary.json, written by
 * contest.js; floor-summary.json, by floor.js): latency per second of the payments
 * scenario, from the per-second sub-metrics both ask k6 to keep (k6/lib/payment.js),
 * and when the payments started and ended (the run only).
 */
export interface PaymentTimings {
  perSecond: { second: number; p99Ms: number; p50Ms: number; count: number }[];
  startedAtMs: number;
  lastRequestMs: number;
}

interface Metric {
  values: Record<string, number>;
}

export function readPaymentTimings(path: string): PaymentTimings {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { metrics: Record<string, Metric> };
  const perSecond: PaymentTimings['perSecond'] = [];
  for (const [name, metric] of Object.entries(data.metrics)) {
    const m = /^http_req_duration\{sec:(\d+),expected_response:true\}$/.exec(name);
    if (!m || !metric.values['p(99)']) continue;
    const second = Number(m[1]);
    const count = data.metrics[`http_reqs{sec:${second}}`]?.values.count ?? 0;
    perSecond.push({ second, p99Ms: metric.values['p(99)'], p50Ms: metric.values.med ?? 0, count });
  }
  perSecond.sort((a, b) => a.second - b.second);
  return {
    perSecond,
    startedAtMs: data.metrics.payments_started_ms?.values.max ?? 0,
    lastRequestMs: data.metrics.last_payment_ms?.values.max ?? 0,
  };
}
