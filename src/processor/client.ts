import type { Processor } from '../store/keys.ts';
import { formatCents } from '../money.ts';
import { parseInstant } from '../time.ts';
import { fetchTransport } from './fetch-transport.ts';
import { httpTransport } from './http-transport.ts';
import { TransportError, type Transport, type TransportKind } from './transport.ts';

/**
 * What a call to a processor tells us about the payment:
 * - ok: processed now, with our requestedAt.
 * - duplicate: 422, the processor already holds it (from an earlier attempt).
 * - failed: it answered an error (5XX, 429) or the connection was refused. `mayHold` is true
 *   for a 5XX: a processor, or a gateway in front of it, may have inserted it before failing.
 * - uncertain: we cannot know (timeout, connection lost after sending): it may be processed later.
 */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'duplicate' }
  | { kind: 'failed'; reason: string; mayHold: boolean }
  | { kind: 'uncertain'; reason: string };

/** The processor's own record of a payment. */
export interface ProcessorRow {
  cents: number;
  requestedAtMs: number;
}

export interface Health {
  failing: boolean;
  minResponseTime: number;
}

/** GET /admin/payments-summary as the processor states it (amount as its JSON number, not rounded). */
export interface ProcessorTotals {
  totalRequests: number;
  totalAmount: number;
}

/** Admin calls are rare (reports, tests, bench): a generous default. */
const ADMIN_TIMEOUT_MS = 5_000;

/**
 * One payment processor's API: the only code that speaks HTTP to a processor
 * (the worker, the consistency report, tests and bench all go through it).
 * `adminToken` (PROCESSOR_ADMIN_TOKEN) is sent as X-Rinha-Token on /admin calls only.
 */
export class ProcessorClient {
  private readonly transport: Transport;
  private readonly adminHeaders: readonly string[];

  constructor(
    readonly name: Processor,
    readonly url: string,
    kind: TransportKind = 'http',
    maxConnections = 64,
    adminToken: string | null = null,
  ) {
    this.transport = kind === 'http' ? httpTransport(url, maxConnections) : fetchTransport(url);
    this.adminHeaders = adminToken === null ? [] : ['X-Rinha-Token', adminToken];
  }

  async pay(id: string, cents: number, requestedAtMs: number, timeoutMs: number): Promise<Outcome> {
    const body = `{"correlationId":"${id}","amount":${formatCents(cents)},"requestedAt":"${new Date(requestedAtMs).toISOString()}"}`;
    try {
      const status = await this.transport.status('POST', '/payments', body, timeoutMs);
      if (status >= 200 && status < 300) return { kind: 'ok' };
      if (status === 422) return { kind: 'duplicate' };
      return { kind: 'failed', reason: `HTTP ${status}`, mayHold: status >= 500 };
    } catch (err) {
      const e = err as TransportError;
      return e instanceof TransportError && !e.sent ? { kind: 'failed', reason: e.reason, mayHold: false } : { kind: 'uncertain', reason: e.message };
    }
  }

  /** The processor's own record of a payment, or null when it holds none (404). Throws when it cannot tell. */
  async lookup(id: string, timeoutMs: number): Promise<ProcessorRow | null> {
    const { status, body } = await this.transport.request('GET', `/payments/${id}`, null, timeoutMs);
    if (status === 404) return null;
    if (status !== 200) throw new Error(`GET /payments/{id} answered HTTP ${status}`);
    const row = parseJson(body) as { amount?: unknown; requestedAt?: unknown } | null;
    const instant = typeof row?.requestedAt === 'string' ? parseInstant(row.requestedAt) : null;
    if (typeof row?.amount !== 'number' || !instant) throw new Error('GET /payments/{id} answered an unexpected body');
    return { cents: Math.round(row.amount * 100), requestedAtMs: instant.ms };
  }

  async health(timeoutMs: number): Promise<Health> {
    const { status, body } = await this.transport.request('GET', '/payments/service-health', null, timeoutMs);
    if (status !== 200) throw new Error(`service-health answered HTTP ${status}`);
    const health = (parseJson(body) ?? {}) as Partial<Health>;
    return { failing: health.failing === true, minResponseTime: Number(health.minResponseTime) || 0 };
  }

  /**
   * The processor's own totals over [from, to] (ISO timestamps; null or absent: open).
   * Throws when it cannot tell: no answer, a non-200 (a 401 names PROCESSOR_ADMIN_TOKEN), a body without both numbers.
   */
  async adminSummary(from: string | null = null, to: string | null = null, timeoutMs = ADMIN_TIMEOUT_MS): Promise<ProcessorTotals> {
    const query = new URLSearchParams();
    if (from !== null) query.set('from', from);
    if (to !== null) query.set('to', to);
    const search = query.size > 0 ? `?${query}` : '';
    const { status, body } = await this.transport.request('GET', `/admin/payments-summary${search}`, null, timeoutMs, this.adminHeaders);
    if (status !== 200) throw adminError('GET /admin/payments-summary', status);
    const totals = parseJson(body) as Partial<ProcessorTotals> | null;
    if (typeof totals?.totalRequests !== 'number' || typeof totals.totalAmount !== 'number') throw new Error('GET /admin/payments-summary answered an unexpected body');
    return { totalRequests: totals.totalRequests, totalAmount: totals.totalAmount };
  }

  /**
   * Sets a processor's delay (ms, a number) or failure mode (a boolean): PUT /admin/configurations/{name},
   * which the contest's processors offer for testing. Tests and bench only. Throws unless it answers 2XX.
   */
  async configure(name: 'delay' | 'failure', value: number | boolean, timeoutMs = ADMIN_TIMEOUT_MS): Promise<void> {
    const { status } = await this.transport.request('PUT', `/admin/configurations/${name}`, JSON.stringify({ [name]: value }), timeoutMs, this.adminHeaders);
    if (status < 200 || status >= 300) throw adminError(`PUT /admin/configurations/${name}`, status);
  }

  /** Empties the processor's books: POST /admin/purge-payments. Tests and bench only. Throws unless it answers 2XX. */
  async purge(timeoutMs = ADMIN_TIMEOUT_MS): Promise<void> {
    const { status } = await this.transport.request('POST', '/admin/purge-payments', null, timeoutMs, this.adminHeaders);
    if (status < 200 || status >= 300) throw adminError('POST /admin/purge-payments', status);
  }

  close(): void {
    this.transport.close();
  }
}

function adminError(call: string, status: number): Error {
  return new Error(`${call} answered HTTP ${status}${status === 401 ? ' (check PROCESSOR_ADMIN_TOKEN)' : ''}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * One line for an HTTP call that failed, for reports and logs: "no answer in
 * time", the socket error code (ECONNREFUSED...), or the error's own message
 * ("GET /payments/{id} answered HTTP 500"). Reads this client's errors and native
 * fetch's (the consistency CLI describes its call to the backend with it too).
 */
export function describeFailure(err: unknown): string {
  if (err instanceof TransportError) return err.reason === 'timeout' ? 'no answer in time' : err.reason;
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
