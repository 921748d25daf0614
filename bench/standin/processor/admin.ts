// /admin/*: the contest's control plane, guarded by the X-Rinha-Token header.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, parseJson, readBody } from './body.ts';
import { centsToNumber, feeCents, type Decimal } from './decimal.ts';
import { INVALID, PURGED, UNAUTHORIZED, send } from './respond.ts';
import type { PaymentStore } from './store.ts';
import { parseIsoMicros } from './time.ts';

/** The processor's mutable settings, shared with the payment routes. */
export interface Settings {
  token: string;
  delay: number;
  failure: boolean;
  readonly fee: number;
  readonly feeDecimal: Decimal;
  /** Called after any change, e.g. to drop a cached health body. */
  readonly changed: () => void;
}

const CONFIG_PREFIX = '/admin/configurations/';

/** Handles an admin route; false when `path`/method is no admin route (-> 404). */
export function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, query: string, settings: Settings, store: PaymentStore): boolean {
  const method = req.method;
  const route =
    method === 'GET' && path === '/admin/payments-summary' ? 'summary'
    : method === 'POST' && path === '/admin/purge-payments' ? 'purge'
    : method === 'PUT' && path.startsWith(CONFIG_PREFIX) ? path.slice(CONFIG_PREFIX.length)
    : '';
  if (!['summary', 'purge', 'token', 'delay', 'failure'].includes(route)) return false;
  if (req.headers['x-rinha-token'] !== settings.token) {
    send(res, 401, UNAUTHORIZED);
    return true;
  }
  if (route === 'summary') summary(res, query, settings, store);
  else if (route === 'purge') {
    store.purge();
    send(res, 200, PURGED);
  } else if (route === 'token') {
    void configure(req, res, settings, 'token', (v) => (typeof v === 'string' ? ((settings.token = v), NO_CONTENT) : null));
  } else if (route === 'delay') {
    void configure(req, res, settings, 'delay', (v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) return null;
      const was = settings.delay;
      settings.delay = v;
      return { config: 'delay', was, is: v };
    });
  } else {
    void configure(req, res, settings, 'failure', (v) => {
      if (typeof v !== 'boolean') return null;
      const was = settings.failure;
      settings.failure = v;
      return { config: 'failure', was, is: v };
    });
  }
  return true;
}

function summary(res: ServerResponse, query: string, settings: Settings, store: PaymentStore): void {
  const params = new URLSearchParams(query);
  // A bound's text; null when not given (an open bound). An unencoded '+' offset
  // arrives as a space after form decoding.
  const text = (name: string): string | null => params.get(name)?.replace(' ', '+') || null;
  const fromText = text('from');
  const toText = text('to');
  const from = fromText === null ? null : parseIsoMicros(fromText);
  const to = toText === null ? null : parseIsoMicros(toText);
  if ((fromText !== null && from === null) || (toText !== null && to === null)) return send(res, 400, INVALID);
  const totals = store.totals(from, to);
  const payload = {
    totalRequests: totals.count,
    totalAmount: centsToNumber(totals.cents),
    totalFee: centsToNumber(feeCents(totals.cents, settings.feeDecimal)),
    feePerTransaction: settings.fee,
  };
  send(res, 200, JSON.stringify(payload));
}

/** What a configuration change answers when it has nothing to say: 204. */
const NO_CONTENT = 'no content';

/**
 * PUT /admin/configurations/*: `apply` gets the body's `field` and returns the
 * answer body, NO_CONTENT for 204, or null when the value is unacceptable (400).
 */
async function configure(req: IncomingMessage, res: ServerResponse, settings: Settings, field: string, apply: (value: unknown) => object | typeof NO_CONTENT | null): Promise<void> {
  const text = await readBody(req);
  if (text === null) return;
  const parsed = parseJson(text);
  const answer = isRecord(parsed) ? apply(parsed[field]) : null;
  if (answer === null) return send(res, 400, INVALID);
  settings.changed();
  if (answer === NO_CONTENT) return send(res, 204);
  send(res, 200, JSON.stringify(answer));
}
