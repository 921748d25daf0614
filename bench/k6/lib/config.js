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
  // The backend's PURGE_TOKEN, sent as X-Purge-Token when set (the contest sends none).
  purgeToken: envString('PURGE_TOKEN', undefined),
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
