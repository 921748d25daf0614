// Requests to, and parsing of answers from, the backend's and the processors'
// summary and admin endpoints, shared by the consistency checker, the stages
// and teardown in contest.js.
import { CONFIG, TIMEOUT } from './config.js';

const adminHeaders = (token) => ({ 'Content-Type': 'application/json', 'X-Rinha-Token': token });

export function adminParams(endpoint, token = CONFIG.token) {
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
export function readBackendSummary(res) {
  const body = parseJson(res);
  if (!body || !body.default || !body.fallback) return null;
  const side = (s) => ({ count: Number(s.totalRequests), amount: Number(s.totalAmount) });
  return { default: side(body.default), fallback: side(body.fallback) };
}

// Processor admin summary -> {count, amount, feeRate} or null.
export function readProcessorSummary(res) {
  const body = parseJson(res);
  if (!body || body.totalRequests === undefined) return null;
  return {
    count: Number(body.totalRequests),
    amount: Number(body.totalAmount),
    feeRate: body.feePerTransaction === undefined ? undefined : Number(body.feePerTransaction),
  };
}

// http.batch requests for [backend, default processor, fallback processor] summaries.
export function summaryRequests(from, to) {
  const q = windowQuery(from, to);
  return [
    ['GET', `${CONFIG.backend}/payments-summary?${q}`, null, { timeout: TIMEOUT, tags: { endpoint: 'summary' } }],
    ['GET', `${CONFIG.processors.default}/admin/payments-summary?${q}`, null, adminParams('admin-summary')],
    ['GET', `${CONFIG.processors.fallback}/admin/payments-summary?${q}`, null, adminParams('admin-summary')],
  ];
}
