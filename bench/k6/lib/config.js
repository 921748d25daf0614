// Settings for the k6 scripts, read from __ENV when this module first loads.
// smoke.js sets its defaults in smoke-env.js, which it imports before anything
// that imports this module, so CONFIG sees them. bench/run.ts (make bench, make
// smoke) is what runs the scripts; it creates RESULTS_DIR, which k6 cannot.

export function envString(name, fallback) {
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
  // No default: results go where bench/run.ts says (bench/results/<time>-<kind>/).
  resultsDir: stripSlash(required('RESULTS_DIR', 'a directory that exists, e.g. bench/results/<time>-<kind> (bench/run.ts creates one)')),
};

function required(name, expected) {
  const text = envString(name, undefined);
  if (text === undefined) throw new Error(`${name}: required, expected ${expected}`);
  return text;
}

export const AMOUNT = 19.9; // the contest always sends 19.90, as a JSON number
export const TIMEOUT = '1.5s'; // the contest's client timeout, for every request it makes
export const FEES = { default: 0.05, fallback: 0.15 }; // the contest's fees; the processors' own value wins

// The contest's payments load: 1 -> maxVUs VUs over the run, each posting then
// sleeping 1 s. Shared so that floor.js measures under the same ramp.
export function paymentsRamp(maxVUs, durationSeconds) {
  return {
    exec: 'payments',
    executor: 'ramping-vus',
    startVUs: 1,
    gracefulRampDown: '0s',
    stages: [{ target: maxVUs, duration: `${durationSeconds}s` }],
  };
}

// Latency per second of the run, for the report's chart, without k6's CSV output
// (writing every sample cost k6 enough CPU to move the floor's p99 from 0.4 to
// 1.3 ms here). Each payment is tagged with its second; one threshold per second
// makes k6 keep that sub-metric in the summary.
export function perSecondThresholds(durationSeconds) {
  const thresholds = {};
  for (let second = 0; second <= durationSeconds + 2; second++) {
    thresholds[`http_req_duration{sec:${second},expected_response:true}`] = ['p(99)>=0'];
    thresholds[`http_reqs{sec:${second}}`] = ['count>=0'];
  }
  return thresholds;
}
