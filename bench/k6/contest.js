// The official Rinha de Backend 2025 load test, rewritten from
// the contest's published rules, without remote imports (the contest's
// script pulls uuid, textSummary and big.js from CDNs), so it runs without network access.
//
//   make bench    (bench/run.ts: 60 s, 550 VUs, like the contest, next to the floor)
//   k6 run -e RESULTS_DIR=<existing dir> bench/k6/contest.js   # the same by hand
// (k6 cannot create RESULTS_DIR itself; bench/run.ts does.)
//
// Env (defaults in lib/config.js): BACKEND_URL, DEFAULT_PROCESSOR_URL,
// FALLBACK_PROCESSOR_URL, PROCESSOR_TOKEN, PROCESSOR_INITIAL_TOKEN,
// DURATION_SECONDS, MAX_REQUESTS, CHECK_INTERVAL_SECONDS, PARTICIPANT, RESULTS_DIR (required).
//
// Outputs (handleSummary): ${RESULTS_DIR}/score.json (the contest's partial
// results plus an English `summary`), ${RESULTS_DIR}/k6-summary.json (raw k6
// summary data) and a short text report on stdout. Scoring is lib/score.js,
// the report lib/report.js.
//
// The score is the contest's: the backend's own final totals are what is paid,
// p99 is over every successful request, and any inconsistency fines 35%.
import http from 'k6/http';
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge } from 'k6/metrics';
import { CONFIG, AMOUNT, paymentsRamp } from './lib/config.js';
import { paymentThresholds, postPayment } from './lib/payment.js';
import { STAGES } from './lib/stages.js';
import { roundTo } from './lib/uuid.js';
import { adminParams, readBackendSummary, readProcessorSummary, summaryRequests } from './lib/api.js';
import { scoreResult } from './lib/score.js';
import { textReport } from './lib/report.js';

export const options = {
  scenarios: {
    // Same shape as the contest: 1 -> MAX_REQUESTS VUs, each posting then sleeping 1 s.
    payments: paymentsRamp(CONFIG.maxRequests, CONFIG.duration),
    consistency: {
      exec: 'consistency',
      executor: 'constant-vus',
      vus: 1,
      duration: `${CONFIG.duration}s`,
      // Teardown reads the books right after the test (the contest's rule). A check
      // still sleeping its 10 s at the end would otherwise hold teardown up to ~70 s,
      // and the first payments would fall out of its [now - 70 s, now] window.
      gracefulStop: '0s',
    },
    // One VU, one iteration that walks the stage table on the test's clock
    // (the contest uses one tiny scenario per stage; the timing is the same).
    stages: {
      exec: 'stages',
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      maxDuration: `${CONFIG.duration}s`,
    },
  },
  // p99 in the score is over every successful request (payments, summaries,
  // admin calls); the payments-only one and the per-second ones are for information.
  thresholds: paymentThresholds(CONFIG.duration),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

const paymentsAccepted = new Counter('payments_accepted');
const paymentsAcceptedAmount = new Counter('payments_accepted_amount');
const paymentsFailed = new Counter('payments_failed');
const inconsistencies = new Counter('inconsistencies');
// Sum of per-processor |differences|: catches a payment booked on the wrong
// processor, which the contest's formula above lets cancel out. Information only.
const inconsistenciesPerProcessor = new Counter('inconsistencies_per_processor');
const consistencyErrors = new Counter('consistency_check_errors');
const adminErrors = new Counter('admin_errors');
// When the payments scenario started and when its last request ended (epoch ms),
// so bench/run.ts can place the per-second latency and time the queue's drain.
const paymentsStartedAt = new Gauge('payments_started_ms');
const lastPaymentAt = new Gauge('last_payment_ms');

// Teardown's final reads; Gauges so that handleSummary sees them in data.metrics.
const finalGauges = {};
for (const name of [
  'backend_default_count', 'backend_default_amount', 'backend_fallback_count', 'backend_fallback_amount',
  'processor_default_count', 'processor_default_amount', 'processor_fallback_count', 'processor_fallback_amount',
  'processor_default_fee_rate', 'processor_fallback_fee_rate', 'final_reads_ok',
]) {
  finalGauges[name] = new Gauge(name);
}

export function setup() {
  // 1. The backend must answer, or every number after this is meaningless.
  const probe = http.get(`${CONFIG.backend}/payments-summary`, { timeout: '5s', tags: { endpoint: 'setup' } });
  if (probe.status === 0) {
    exec.test.abort(`backend not reachable at ${CONFIG.backend}/payments-summary: ${probe.error}`);
  }

  for (const [name, url] of Object.entries(CONFIG.processors)) {
    // 2. Token: if the processor still has its initial token, switch it (the
    // official run sets a random one); a 401 with both tokens is fatal.
    let res = http.post(`${url}/admin/purge-payments`, null, adminParams('setup'));
    if (res.status === 401 && CONFIG.token !== CONFIG.initialToken) {
      const set = http.put(`${url}/admin/configurations/token`, JSON.stringify({ token: CONFIG.token }),
        adminParams('setup', CONFIG.initialToken));
      if (set.status !== 204) exec.test.abort(`${name} processor: cannot set token (HTTP ${set.status})`);
      res = http.post(`${url}/admin/purge-payments`, null, adminParams('setup'));
    }
    // 3. Purge and reset delay/failure.
    if (res.status !== 200) exec.test.abort(`${name} processor at ${url}: purge failed (HTTP ${res.status} ${res.error || ''})`);
    const delay = http.put(`${url}/admin/configurations/delay`, JSON.stringify({ delay: 0 }), adminParams('setup'));
    const failure = http.put(`${url}/admin/configurations/failure`, JSON.stringify({ failure: false }), adminParams('setup'));
    if (delay.status !== 200 || failure.status !== 200) {
      exec.test.abort(`${name} processor: cannot reset delay/failure (HTTP ${delay.status}/${failure.status})`);
    }
  }

  // 4. The backend's purge is optional in the contest: warn, don't stop.
  const purgeHeaders = CONFIG.purgeToken === undefined ? {} : { 'X-Purge-Token': CONFIG.purgeToken };
  const purge = http.post(`${CONFIG.backend}/purge-payments`, null, { headers: purgeHeaders, timeout: '5s', tags: { endpoint: 'setup' } });
  if (purge.status < 200 || purge.status > 299) {
    console.warn(`backend POST /purge-payments answered HTTP ${purge.status}; continuing without a purge`);
  }
}

export function payments() {
  const res = postPayment(`${CONFIG.backend}/payments`);
  paymentsStartedAt.add(exec.scenario.startTime);
  lastPaymentAt.add(Date.now());
  if (res.status >= 200 && res.status <= 299) {
    paymentsAccepted.add(1);
    paymentsAcceptedAmount.add(AMOUNT);
  } else {
    paymentsFailed.add(1);
  }
  sleep(1);
}

export function consistency() {
  const now = Date.now();
  const [backendRes, defaultRes, fallbackRes] = http.batch(
    summaryRequests(new Date(now - 15000), new Date(now - 1500)),
  );
  const backend = readBackendSummary(backendRes);
  const def = readProcessorSummary(defaultRes);
  const fb = readProcessorSummary(fallbackRes);
  if (!backend || !def || !fb) {
    // The contest substitutes zeros on an error; we count it separately instead
    // of inventing a difference.
    consistencyErrors.add(1);
    console.error(`consistency check: summary failed (backend ${backendRes.status}, default ${defaultRes.status}, fallback ${fallbackRes.status})`);
  } else {
    const dd = backend.default.count - def.count;
    const df = backend.fallback.count - fb.count;
    inconsistencies.add(Math.abs(dd + df));
    inconsistenciesPerProcessor.add(Math.abs(dd) + Math.abs(df));
    if (dd !== 0 || df !== 0) {
      console.warn(`inconsistency: backend default/fallback ${backend.default.count}/${backend.fallback.count} vs processors ${def.count}/${fb.count}`);
    }
  }
  sleep(CONFIG.checkInterval);
}

export function stages() {
  const scale = CONFIG.duration / 60;
  const start = exec.scenario.startTime; // ms since epoch; the scenario starts at t=0
  for (const [i, stage] of STAGES.entries()) {
    const waitMs = start + stage.at * scale * 1000 - Date.now();
    if (waitMs > 0) sleep(waitMs / 1000);
    const put = (url, what, value) => [
      'PUT', `${url}/admin/configurations/${what}`, JSON.stringify({ [what]: value }), adminParams('admin-config'),
    ];
    const results = http.batch([
      put(CONFIG.processors.default, 'delay', stage.defaultDelay),
      put(CONFIG.processors.default, 'failure', stage.defaultFailure),
      put(CONFIG.processors.fallback, 'delay', stage.fallbackDelay),
      put(CONFIG.processors.fallback, 'failure', stage.fallbackFailure),
    ]);
    console.info(`stage ${i} (second ${stage.at} of 60) at ${roundTo((Date.now() - start) / 1000, 1)}s: ` +
      `default ${stage.defaultDelay}ms${stage.defaultFailure ? ' failing' : ''}, fallback ${stage.fallbackDelay}ms${stage.fallbackFailure ? ' failing' : ''}`);
    const bad = results.filter((r) => r.status !== 200);
    if (bad.length > 0) {
      adminErrors.add(bad.length);
      console.error(`stage at ${stage.at}s: ${bad.length} admin call(s) failed (HTTP ${bad.map((r) => r.status).join(',')})`);
    }
  }
}

// Right after the run, like the contest: the backend's summary (what is scored)
// and both processors' (for their fee and for reference), over the whole run.
export function teardown() {
  const to = new Date();
  const from = new Date(to.getTime() - (CONFIG.duration + 10) * 1000);
  const [backendRes, defaultRes, fallbackRes] = http.batch(summaryRequests(from, to));
  const backend = readBackendSummary(backendRes);
  const def = readProcessorSummary(defaultRes);
  const fb = readProcessorSummary(fallbackRes);
  if (!backend) console.error(`teardown: backend summary failed (HTTP ${backendRes.status} ${backendRes.error || ''})`);
  if (!def || !fb) console.error(`teardown: processor summary failed (HTTP ${defaultRes.status}/${fallbackRes.status})`);

  const g = finalGauges;
  g.final_reads_ok.add(backend ? 1 : 0);
  if (backend) {
    g.backend_default_count.add(backend.default.count);
    g.backend_default_amount.add(backend.default.amount);
    g.backend_fallback_count.add(backend.fallback.count);
    g.backend_fallback_amount.add(backend.fallback.amount);
  }
  if (def) {
    g.processor_default_count.add(def.count);
    g.processor_default_amount.add(def.amount);
    if (Number.isFinite(def.feeRate)) g.processor_default_fee_rate.add(def.feeRate);
  }
  if (fb) {
    g.processor_fallback_count.add(fb.count);
    g.processor_fallback_amount.add(fb.amount);
    if (Number.isFinite(fb.feeRate)) g.processor_fallback_fee_rate.add(fb.feeRate);
  }
}

export function handleSummary(data) {
  const score = scoreResult(data, CONFIG, new Date());
  return {
    stdout: textReport(data, score.summary, CONFIG),
    [`${CONFIG.resultsDir}/score.json`]: JSON.stringify(score, null, 2) + '\n',
    [`${CONFIG.resultsDir}/k6-summary.json`]: JSON.stringify(data, null, 2) + '\n',
  };
}
