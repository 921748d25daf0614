// The official Rinha de Backend 2025 load test, rewritten from
// shared/spec/rinha-2025.md section 5 without remote imports (the contest's
// script pulls uuid, textSummary and big.js from CDNs; this machine is offline).
//
//   bench/k6/run.sh contest        # 60 s, 550 VUs, like the contest
//   mkdir -p bench/results/latest && k6 run bench/k6/contest.js   # the same by hand
// (k6 cannot create RESULTS_DIR itself; run.sh does.)
//
// Env (defaults in CONFIG below): BACKEND_URL, DEFAULT_PROCESSOR_URL,
// FALLBACK_PROCESSOR_URL, PROCESSOR_TOKEN, PROCESSOR_INITIAL_TOKEN,
// DURATION_SECONDS, MAX_REQUESTS, CHECK_INTERVAL_SECONDS, PARTICIPANT, RESULTS_DIR.
//
// Outputs (handleSummary): ${RESULTS_DIR}/score.json (the contest's partial
// results plus an English `summary`), ${RESULTS_DIR}/k6-summary.json (raw k6
// summary data) and a short text report on stdout.
//
// The score is the spec's: the backend's own final totals are what is paid,
// p99 is over every successful request, and any inconsistency fines 35%.
import http from 'k6/http';
import { sleep } from 'k6';
import crypto from 'k6/crypto';
import exec from 'k6/execution';
import { Counter, Gauge } from 'k6/metrics';

// ---------------------------------------------------------------- config

function envString(name, fallback) {
  const value = __ENV[name];
  return value === undefined || String(value).trim() === '' ? fallback : String(value).trim();
}

function envNumber(name, fallback) {
  const text = envString(name, undefined);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${JSON.stringify(text)}: expected a number > 0`);
  return value;
}

const stripSlash = (url) => url.replace(/\/+$/, '');

export const CONFIG = {
  backend: stripSlash(envString('BACKEND_URL', 'http://localhost:9999')),
  processors: {
    default: stripSlash(envString('DEFAULT_PROCESSOR_URL', 'http://localhost:8001')),
    fallback: stripSlash(envString('FALLBACK_PROCESSOR_URL', 'http://localhost:8002')),
  },
  token: envString('PROCESSOR_TOKEN', '123'),
  // The token the official processor starts with; used only to switch to PROCESSOR_TOKEN.
  initialToken: envString('PROCESSOR_INITIAL_TOKEN', '123'),
  duration: envNumber('DURATION_SECONDS', 60),
  maxRequests: Math.round(envNumber('MAX_REQUESTS', 550)),
  checkInterval: envNumber('CHECK_INTERVAL_SECONDS', 10),
  participant: envString('PARTICIPANT', 'rinha-payments'),
  resultsDir: stripSlash(envString('RESULTS_DIR', 'bench/results/latest')),
};

const AMOUNT = 19.9; // the contest always sends 19.90, as a JSON number
const TIMEOUT = '1.5s'; // the contest's client timeout, for every request it makes
const FEES = { default: 0.05, fallback: 0.15 }; // spec section 1; the processors' own value wins

// The processor stages of spec section 5, for a 60 s run; scaled to DURATION_SECONDS.
const STAGES = [
  { at: 1, defaultDelay: 0, defaultFailure: false, fallbackDelay: 0, fallbackFailure: false },
  { at: 10, defaultDelay: 100, defaultFailure: false, fallbackDelay: 0, fallbackFailure: false },
  { at: 20, defaultDelay: 100, defaultFailure: true, fallbackDelay: 0, fallbackFailure: false },
  { at: 30, defaultDelay: 2000, defaultFailure: true, fallbackDelay: 1000, fallbackFailure: true },
  { at: 40, defaultDelay: 20, defaultFailure: false, fallbackDelay: 20, fallbackFailure: false },
  { at: 50, defaultDelay: 0, defaultFailure: false, fallbackDelay: 5000, fallbackFailure: false },
];

// ---------------------------------------------------------------- options

export const options = {
  scenarios: {
    // Same shape as the contest: 1 -> MAX_REQUESTS VUs, each posting then sleeping 1 s.
    payments: {
      exec: 'payments',
      executor: 'ramping-vus',
      startVUs: 1,
      gracefulRampDown: '0s',
      stages: [{ target: CONFIG.maxRequests, duration: `${CONFIG.duration}s` }],
    },
    consistency: {
      exec: 'consistency',
      executor: 'constant-vus',
      vus: 1,
      duration: `${CONFIG.duration}s`,
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
  // admin calls). A threshold on the sub-metric makes k6 compute it; p(99)>=0
  // never fails. The payments-only one is for information.
  thresholds: {
    'http_req_duration{expected_response:true}': ['p(99)>=0'],
    'http_req_duration{endpoint:payments,expected_response:true}': ['p(99)>=0'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

// ---------------------------------------------------------------- metrics

const paymentsAccepted = new Counter('payments_accepted');
const paymentsAcceptedAmount = new Counter('payments_accepted_amount');
const paymentsFailed = new Counter('payments_failed');
const inconsistencies = new Counter('inconsistencies');
// Sum of per-processor |differences|: catches a payment booked on the wrong
// processor, which the contest's formula above lets cancel out. Information only.
const inconsistenciesPerProcessor = new Counter('inconsistencies_per_processor');
const consistencyErrors = new Counter('consistency_check_errors');
const adminErrors = new Counter('admin_errors');

// Teardown's final reads; Gauges so that handleSummary sees them in data.metrics.
const finalGauges = {};
for (const name of [
  'backend_default_count', 'backend_default_amount', 'backend_fallback_count', 'backend_fallback_amount',
  'processor_default_count', 'processor_default_amount', 'processor_fallback_count', 'processor_fallback_amount',
  'processor_default_fee_rate', 'processor_fallback_fee_rate', 'final_reads_ok',
]) {
  finalGauges[name] = new Gauge(name);
}

// ---------------------------------------------------------------- helpers

// UUIDv4 from 16 random bytes (k6 has no uuid built-in without a remote import).
export function uuidv4() {
  const bytes = new Uint8Array(crypto.randomBytes(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const adminHeaders = (token) => ({ 'Content-Type': 'application/json', 'X-Rinha-Token': token });

function adminParams(endpoint, token = CONFIG.token) {
  return { headers: adminHeaders(token), timeout: TIMEOUT, tags: { endpoint } };
}

function windowQuery(from, to) {
  return `from=${from.toISOString()}&to=${to.toISOString()}`;
}

function parseJson(res) {
  if (res.status !== 200) return null;
  try {
    return JSON.parse(res.body);
  } catch (_) {
    return null;
  }
}

// Backend summary -> {default:{count,amount}, fallback:{count,amount}} or null.
function readBackendSummary(res) {
  const body = parseJson(res);
  if (!body || !body.default || !body.fallback) return null;
  const side = (s) => ({ count: Number(s.totalRequests), amount: Number(s.totalAmount) });
  return { default: side(body.default), fallback: side(body.fallback) };
}

function readProcessorSummary(res) {
  const body = parseJson(res);
  if (!body || body.totalRequests === undefined) return null;
  return {
    count: Number(body.totalRequests),
    amount: Number(body.totalAmount),
    feeRate: body.feePerTransaction === undefined ? undefined : Number(body.feePerTransaction),
  };
}

function summaryRequests(from, to) {
  const q = windowQuery(from, to);
  return [
    ['GET', `${CONFIG.backend}/payments-summary?${q}`, null, { timeout: TIMEOUT, tags: { endpoint: 'summary' } }],
    ['GET', `${CONFIG.processors.default}/admin/payments-summary?${q}`, null, adminParams('admin-summary')],
    ['GET', `${CONFIG.processors.fallback}/admin/payments-summary?${q}`, null, adminParams('admin-summary')],
  ];
}

// Decimal rounding on the number's shortest text, like big.js (half up), so
// that e.g. 0.195 rounds to 0.2 rather than 0.19 through binary noise.
export function roundTo(value, places) {
  if (!Number.isFinite(value)) return value;
  const sign = value < 0 ? -1 : 1;
  let text = String(Math.abs(value));
  if (text.includes('e')) text = Math.abs(value).toFixed(20); // tiny/huge: plain digits
  const shifted = Number(`${text}e${places}`);
  return (sign * Math.round(shifted)) / 10 ** places;
}

// ---------------------------------------------------------------- lifecycle

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
  const purge = http.post(`${CONFIG.backend}/purge-payments`, null, { timeout: '5s', tags: { endpoint: 'setup' } });
  if (purge.status < 200 || purge.status > 299) {
    console.warn(`backend POST /purge-payments answered HTTP ${purge.status}; continuing without a purge`);
  }
}

export function payments() {
  const body = JSON.stringify({ correlationId: uuidv4(), amount: AMOUNT });
  const res = http.post(`${CONFIG.backend}/payments`, body, {
    headers: { 'Content-Type': 'application/json' },
    timeout: TIMEOUT,
    tags: { endpoint: 'payments' },
  });
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

// ---------------------------------------------------------------- scoring

function metricValue(data, name, field, fallback) {
  const m = data.metrics[name];
  return m && m.values && m.values[field] !== undefined ? m.values[field] : fallback;
}

// The spec's score, from k6's end-of-test data.
export function computeScore(data) {
  const gauge = (name, fallback = 0) => metricValue(data, name, 'value', fallback);
  const count = (name) => metricValue(data, name, 'count', 0);

  const accepted = count('payments_accepted');
  const failed = count('payments_failed');
  const defaultCount = gauge('backend_default_count');
  const fallbackCount = gauge('backend_fallback_count');
  const defaultAmount = gauge('backend_default_amount');
  const fallbackAmount = gauge('backend_fallback_amount');
  const defaultRate = gauge('processor_default_fee_rate', FEES.default);
  const fallbackRate = gauge('processor_fallback_fee_rate', FEES.fallback);
  const inconsistencyCount = count('inconsistencies');

  const p99Raw = metricValue(data, 'http_req_duration{expected_response:true}', 'p(99)', NaN);
  const p99 = roundTo(p99Raw, 2);
  const bonus = Math.max(roundTo((11 - p99) * 0.02, 2), 0);
  const fine = inconsistencyCount > 0 ? 0.35 : 0;

  const gross = roundTo(defaultAmount + fallbackAmount, 2);
  const defaultFees = roundTo(defaultRate * defaultAmount, 6);
  const fallbackFees = roundTo(fallbackRate * fallbackAmount, 6);
  const fees = roundTo(defaultFees + fallbackFees, 6);
  const partial = gross - fees;
  const net = roundTo(partial * (1 + bonus - fine), 6);
  const reported = defaultCount + fallbackCount;
  const lag = accepted - reported;
  const ceiling = roundTo(accepted * AMOUNT * 0.95 * 1.2, 6);

  return {
    accepted, failed,
    default_count: defaultCount, fallback_count: fallbackCount,
    default_amount: defaultAmount, fallback_amount: fallbackAmount,
    default_fees: defaultFees, fallback_fees: fallbackFees,
    processor_default_count: gauge('processor_default_count'),
    processor_fallback_count: gauge('processor_fallback_count'),
    inconsistencies: inconsistencyCount,
    inconsistencies_per_processor: count('inconsistencies_per_processor'),
    consistency_check_errors: count('consistency_check_errors'),
    admin_errors: count('admin_errors'),
    lag,
    disqualified: lag < 0,
    final_reads_ok: gauge('final_reads_ok') === 1,
    // False when setup aborted, nothing was sent or teardown could not read the backend.
    valid: gauge('final_reads_ok') === 1 && accepted + failed > 0 && Number.isFinite(p99Raw),
    p99_ms: p99,
    p99_payments_ms: roundTo(metricValue(data, 'http_req_duration{endpoint:payments,expected_response:true}', 'p(99)', NaN), 2),
    bonus, fine,
    gross, fees,
    fine_amount: roundTo(partial * fine, 6),
    net,
    ceiling,
    net_pct_of_ceiling: ceiling > 0 ? roundTo((net / ceiling) * 100, 2) : 0,
    duration_s: CONFIG.duration,
    max_requests: CONFIG.maxRequests,
  };
}

// The contest's partial-results.json layout (field names and descriptions in Portuguese).
function contestResult(s) {
  return {
    participante: CONFIG.participant,
    timestamp: new Date().toISOString(),
    total_liquido: s.net,
    total_bruto: s.gross,
    total_taxas: s.fees,
    descricao: "'total_liquido' é sua pontuação final. Equivale ao seu lucro. Fórmula: total_liquido + (total_liquido * p99.bonus) - (total_liquido * multa.porcentagem)",
    p99: {
      valor: `${s.p99_ms}ms`,
      bonus: s.bonus,
      max_requests: CONFIG.maxRequests,
      descricao: 'Fórmula para o bônus: max((11 - p99.valor) * 0.02, 0)',
    },
    multa: {
      porcentagem: s.fine,
      total: s.fine_amount,
      composicao: {
        total_inconsistencias: s.inconsistencies,
        descricao: "Se 'total_inconsistencias' > 0, há multa de 35%.",
      },
    },
    lag: {
      num_pagamentos_total: s.default_count + s.fallback_count,
      num_pagamentos_solicitados: s.accepted,
      lag: s.lag,
      descricao: 'Lag é a diferença entre a quantidade de solicitações de pagamentos e o que foi realmente computado pelo backend. Lag negativo (mais pagamentos registrados do que solicitados) desclassifica.',
    },
    pagamentos_solicitados: {
      qtd_sucesso: s.accepted,
      qtd_falha: s.failed,
      descricao: "'qtd_sucesso' foram requests bem sucedidos para 'POST /payments' e 'qtd_falha' os requests com erro.",
    },
    pagamentos_realizados_default: {
      total_bruto: s.default_amount,
      num_pagamentos: s.default_count,
      total_taxas: s.default_fees,
      descricao: 'Informações do backend sobre solicitações de pagamento para o Payment Processor Default.',
    },
    pagamentos_realizados_fallback: {
      total_bruto: s.fallback_amount,
      num_pagamentos: s.fallback_count,
      total_taxas: s.fallback_fees,
      descricao: 'Informações do backend sobre solicitações de pagamento para o Payment Processor Fallback.',
    },
  };
}

const fmt = (n, places = 2) => (Number.isFinite(n) ? n.toFixed(places) : String(n));

function trendLine(data, name, label) {
  const v = data.metrics[name] && data.metrics[name].values;
  if (!v) return `  ${label}: n/a`;
  return `  ${label}: avg ${fmt(v.avg)} med ${fmt(v.med)} p90 ${fmt(v['p(90)'])} p95 ${fmt(v['p(95)'])} p99 ${fmt(v['p(99)'])} max ${fmt(v.max)} ms`;
}

export function textReport(data, s) {
  const reqs = metricValue(data, 'http_reqs', 'count', 0);
  const failRate = metricValue(data, 'http_req_failed', 'rate', 0);
  const lines = [
    '',
    `Rinha 2025 contest run: ${s.duration_s}s, ${s.max_requests} VUs max, backend ${CONFIG.backend}`,
    `  http requests: ${reqs} (${fmt(failRate * 100)}% failed)`,
    trendLine(data, 'http_req_duration{expected_response:true}', 'duration, successful requests'),
    trendLine(data, 'http_req_duration{endpoint:payments,expected_response:true}', 'duration, successful payments '),
    `  payments sent: ${s.accepted} accepted, ${s.failed} failed`,
    `  backend reports: default ${s.default_count} (${fmt(s.default_amount)}), fallback ${s.fallback_count} (${fmt(s.fallback_amount)})` +
      `; processors hold ${s.processor_default_count}/${s.processor_fallback_count}`,
    `  lag: ${s.lag}${s.disqualified ? '  ** DISQUALIFIED: backend reports more payments than were accepted **' : ''}`,
    `  inconsistencies: ${s.inconsistencies} (per-processor ${s.inconsistencies_per_processor}, check errors ${s.consistency_check_errors})`,
    `  p99: ${s.p99_ms} ms -> bonus ${fmt(s.bonus * 100, 0)}%; fine ${fmt(s.fine * 100, 0)}%`,
    `  gross ${fmt(s.gross)} - fees ${fmt(s.fees)} -> NET ${fmt(s.net)} (${fmt(s.net_pct_of_ceiling)}% of ceiling ${fmt(s.ceiling)})`,
  ];
  if (!s.final_reads_ok) lines.push('  ** teardown could not read the backend summary: gross/net are zero **');
  if (!s.valid) lines.splice(1, 0, '  ** INVALID RUN (aborted, nothing sent or no final reads): the score below means nothing **');
  if (s.admin_errors > 0) lines.push(`  ** ${s.admin_errors} processor admin call(s) failed: stages were not applied **`);
  lines.push(`  written: ${CONFIG.resultsDir}/score.json, ${CONFIG.resultsDir}/k6-summary.json`, '');
  return lines.join('\n');
}

export function handleSummary(data) {
  const s = computeScore(data);
  const score = Object.assign(contestResult(s), { summary: s });
  return {
    stdout: textReport(data, s),
    [`${CONFIG.resultsDir}/score.json`]: JSON.stringify(score, null, 2) + '\n',
    [`${CONFIG.resultsDir}/k6-summary.json`]: JSON.stringify(data, null, 2) + '\n',
  };
}
