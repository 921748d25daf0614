import { formatCents } from '../money.ts';
import { parseInstant } from '../time.ts';

/**
 * What a call to a processor tells us about the payment:
 * - ok: processed now, with our requestedAt.
 * - duplicate: 422, the processor already holds it (from an earlier attempt).
 * - failed: it certainly did not process it (5XX/429 answered, or the connection was refused).
 * - uncertain: we cannot know (timeout, connection lost after sending): it may be processed later.
 */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'duplicate' }
  | { kind: 'failed'; reason: string }
  | { kind: 'uncertain'; reason: string };

export async function postPayment(baseUrl: string, id: string, cents: number, requestedAtMs: number, timeoutMs: number): Promise<Outcome> {
  const body = `{"correlationId":"${id}","amount":${formatCents(cents)},"requestedAt":"${new Date(requestedAtMs).toISOString()}"}`;
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return neverSent(err) ? { kind: 'failed', reason: describe(err) } : { kind: 'uncertain', reason: describe(err) };
  }
  // The body must be read for the connection to be reused.
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { kind: 'ok' };
  if (res.status === 422) return { kind: 'duplicate' };
  return { kind: 'failed', reason: `HTTP ${res.status}` };
}

/** The processor's own record of a payment, or null when it holds none (404). Throws when it cannot tell. */
export async function getPayment(baseUrl: string, id: string, timeoutMs: number): Promise<{ cents: number; requestedAtMs: number } | null> {
  const res = await fetch(`${baseUrl}/payments/${id}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 404) {
    await res.arrayBuffer();
    return null;
  }
  if (!res.ok) {
    await res.arrayBuffer();
    throw new Error(`GET /payments/{id} answered HTTP ${res.status}`);
  }
  const row = (await res.json()) as { amount?: unknown; requestedAt?: unknown };
  const instant = typeof row.requestedAt === 'string' ? parseInstant(row.requestedAt) : null;
  if (typeof row.amount !== 'number' || !instant) throw new Error('GET /payments/{id} answered an unexpected body');
  return { cents: Math.round(row.amount * 100), requestedAtMs: instant.ms };
}

export interface Health {
  failing: boolean;
  minResponseTime: number;
}

export async function getHealth(baseUrl: string, timeoutMs: number): Promise<Health> {
  const res = await fetch(`${baseUrl}/payments/service-health`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) {
    await res.arrayBuffer();
    throw new Error(`service-health answered HTTP ${res.status}`);
  }
  const body = (await res.json()) as Partial<Health>;
  return { failing: body.failing === true, minResponseTime: Number(body.minResponseTime) || 0 };
}

/** Errors raised before a single byte of the request left: safe to send elsewhere. */
function neverSent(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH';
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string } };
  return e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message);
}
