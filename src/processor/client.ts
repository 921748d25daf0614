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

/** One payment processor's API, as the worker and the consistency report use it. */
export class ProcessorClient {
  private readonly transport: Transport;

  constructor(
    readonly name: Processor,
    readonly url: string,
    kind: TransportKind = 'http',
    maxConnections = 64,
  ) {
    this.transport = kind === 'http' ? httpTransport(url, maxConnections) : fetchTransport(url);
  }

  async pay(id: string, cents: number, requestedAtMs: number, timeoutMs: number): Promise<Outcome> {
    const body = `{"correlationId":"${id}","amount":${formatCents(cents)},"requestedAt":"${new Date(requestedAtMs).toISOString()}"}`;
    try {
      const { status } = await this.transport.request('POST', '/payments', body, timeoutMs);
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

  close(): void {
    this.transport.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
