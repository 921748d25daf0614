import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burstsOf, paymentsOf, type Payment } from './bursts.ts';

const HEADER = 'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const row = (metric: string, endMs: number, ms: number, method: string, url: string, ok = 'true') =>
  `${metric},${endMs},${ms},,,,${ok},,${method},${url},HTTP/1.1,payments,,202,,,${url},endpoint=payments,`;

test('only successful POST /payments durations are read, started at their end minus their duration', () => {
  const csv = [
    HEADER,
    row('http_req_duration', 1_000_010, 10, 'POST', 'http://localhost:9999/payments'),
    row('http_req_waiting', 1_000_020, 9, 'POST', 'http://localhost:9999/payments'),
    row('http_req_duration', 1_000_030, 3, 'GET', 'http://localhost:9999/payments-summary'),
    row('http_req_duration', 1_000_040, 1500, 'POST', 'http://localhost:9999/payments', 'false'),
    row('http_req_duration', 1_000_004, 2, 'POST', 'http://localhost:9999/payments'),
    '',
  ].join('\n');
  assert.deepEqual(paymentsOf(csv), [
    { startMs: 1_000_000, durationMs: 10 },
    { startMs: 1_000_002, durationMs: 2 },
  ]);
});

test('a file without k6 columns is refused by name', () => {
  assert.throws(() => paymentsOf('a,b,c\n1,2,3'), /not a k6 CSV \(no "metric_name" column\)/);
});

/** `count` payments of 1 ms, one every 10 ms from t = 0, those at `slowAt` taking 20 ms. */
function run(count: number, slowAt: number[]): Payment[] {
  return Array.from({ length: count }, (_, i) => ({ startMs: i * 10, durationMs: slowAt.includes(i) ? 20 : 1 }));
}

test('slow payments started together are clustered and make one episode; a lone one is its own', () => {
  const payments = run(300, [100, 200, 250]);
  // Two more slow ones 1 and 2 ms after the one at 2 s: a stall that caught three in flight.
  payments.push({ startMs: 2001, durationMs: 25 }, { startMs: 2002, durationMs: 22 });
  payments.sort((a, b) => a.startMs - b.startMs);
  const b = burstsOf(payments, 0, 10);
  assert.equal(b.p99Ms, 20, 'the top 1% of 302 payments are the five slow ones');
  assert.equal(b.slow, 5);
  assert.equal(b.clustered, 3, 'the three at 2 s, not the lone ones at 1 s and 2.5 s');
  assert.deepEqual(b.episodes[0], { fromS: 2, toS: 2.002, count: 3, maxMs: 25 });
  assert.equal(b.episodes.length, 3);
});

test('only payments starting inside the stretch count', () => {
  const b = burstsOf(run(1000, [50, 950]), 1, 9);
  assert.equal(b.payments, 800);
  assert.equal(b.p99Ms, 1, 'the slow ones at 0.5 s and 9.5 s are outside');
});

test('payments sent many at once are counted as clumps; evenly spread ones are not', () => {
  // One every 10 ms for 10 s, then 8 more within 1 ms at 5 s: one clump of 9 (8 + the one at 5.000 s).
  const payments = run(1000, []);
  payments.push(...Array.from({ length: 8 }, (_, i) => ({ startMs: 5000 + i / 8, durationMs: 1 })));
  payments.sort((a, b) => a.startMs - b.startMs);
  assert.equal(burstsOf(payments, 0, 10).inClumps, 9);
  assert.equal(burstsOf(run(1000, []), 0, 10).inClumps, 0);
});
