// The latency floor: the contest's payments ramp alone (no stages, no
// consistency checker, no purge) against a static nginx location that answers
// 202 without an upstream. Its p99 is what the load balancer + Docker network
// cost by themselves, the least the backend's p99 can be. bench/run.ts runs it
// before each make bench / make smoke, for as long as the run (by hand: k6 run -e RESULTS_DIR=<existing dir> bench/k6/floor.js).
// Env: FLOOR_URL (default http://localhost:9998/payments), and from lib/config.js
// DURATION_SECONDS, MAX_REQUESTS, RESULTS_DIR (required).
// Each request is the run's own (lib/payment.js: same tags, same thresholds), so k6
// does the same work per request here as in the run.
// Writes ${RESULTS_DIR}/floor.json: {p99_ms, p50_ms, requests, ...}, and k6's
// summary as floor-summary.json (its per-second latency).
import { sleep } from 'k6';
import { CONFIG, envString, paymentsRamp } from './lib/config.js';
import { paymentThresholds, postPayment } from './lib/payment.js';
import { roundTo } from './lib/uuid.js';

const URL = envString('FLOOR_URL', 'http://localhost:9998/payments');
const DURATION = CONFIG.duration;
const MAX_REQUESTS = CONFIG.maxRequests;
const RESULTS_DIR = CONFIG.resultsDir;

export const options = {
  scenarios: {
    payments: paymentsRamp(MAX_REQUESTS, DURATION),
  },
  // The run's own thresholds (successful requests only, as in the contest's p99).
  thresholds: paymentThresholds(DURATION),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

export function payments() {
  postPayment(URL);
  sleep(1);
}

export function handleSummary(data) {
  const ok = (data.metrics['http_req_duration{expected_response:true}'] || {}).values || {};
  const result = {
    p99_ms: roundTo(ok['p(99)'], 3),
    p50_ms: roundTo(ok.med, 3),
    requests: data.metrics.http_reqs ? data.metrics.http_reqs.values.count : 0,
    failed_rate: data.metrics.http_req_failed ? roundTo(data.metrics.http_req_failed.values.rate, 4) : null,
    url: URL,
    duration_s: DURATION,
    max_requests: MAX_REQUESTS,
  };
  const text =
    `\nfloor ${URL}: ${result.requests} requests (${roundTo((result.failed_rate || 0) * 100, 2)}% failed), ` +
    `successful p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms\n  written: ${RESULTS_DIR}/floor.json\n\n`;
  return {
    stdout: text,
    [`${RESULTS_DIR}/floor.json`]: JSON.stringify(result, null, 2) + '\n',
    // Its per-second latency, read like the run's (bench/k6summary.ts).
    [`${RESULTS_DIR}/floor-summary.json`]: JSON.stringify(data),
  };
}
