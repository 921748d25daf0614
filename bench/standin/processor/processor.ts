// A stand-in for the Rinha de Backend 2025 Payment Processor, behaving like the
// contest's reference so the backend can be load-tested without Docker.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin, type Settings } from './admin.ts';
import { isUuid, parsePayment, readBody } from './body.ts';
import { centsToNumber, parseDecimal } from './decimal.ts';
import { ConcurrencyLimiter, FixedWindowLimiter } from './limits.ts';
import { DUPLICATE, FAILING, INVALID, NOT_FOUND, PROCESSED, admit, send, type Gate } from './respond.ts';
import { PaymentStore } from './store.ts';
import { formatIsoMicros } from './time.ts';

export interface ProcessorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  fee: number;
  token?: string;
  rateLimitSeconds?: number;
  /** POST /payments handled at once (reference: 800). */
  maxConcurrent?: number;
  /** POST /payments waiting for a slot before 429 (reference: 500). */
  maxQueued?: number;
}

export interface RunningProcessor {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startProcessor(options: ProcessorOptions): Promise<RunningProcessor> {
  const host = options.host ?? '127.0.0.1';
  const feeDecimal = parseDecimal(String(options.fee));
  if (feeDecimal === null || !(options.fee >= 0)) throw new RangeError(`fee must be a number >= 0, got ${options.fee}`);
  const store = new PaymentStore();
  const limiter = new ConcurrencyLimiter(options.maxConcurrent ?? 800, options.maxQueued ?? 500);
  const healthLimiter = new FixedWindowLimiter((options.rateLimitSeconds ?? 5) * 1000, 2);
  const paymentGate: Gate = { take: (w) => limiter.acquire(w), withdraw: (w) => limiter.withdraw(w) };
  const healthGate: Gate = { take: (w) => healthLimiter.take(w), withdraw: (w) => healthLimiter.withdraw(w) };
  const sleepers = new Set<() => void>();
  /** The health answer, encoded once per change of settings; null until asked. */
  let healthBody: string | null = null;
  const settings: Settings = {
    token: options.token ?? '123',
    delay: 0,
    failure: false,
    fee: options.fee,
    feeDecimal,
    changed: () => (healthBody = null),
  };

  const release = (): void => limiter.release();

  /** setTimeout that close() can cut short, so a closed server lets the process exit. */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  }

  async function processPayment(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    if (text === null) return;
    const payment = parsePayment(text);
    if (payment === null) return send(res, 400, INVALID);
    // Not cancelled by a client disconnect: the row lands anyway, as in the reference.
    if (settings.delay > 0) await sleep(settings.delay);
    if (settings.failure) return send(res, 500, FAILING);
    if (store.insert(payment)) send(res, 200, PROCESSED);
    else send(res, 422, DUPLICATE);
  }

  function postPayment(req: IncomingMessage, res: ServerResponse): void {
    admit(paymentGate, res, () => {
      void processPayment(req, res)
        .catch(() => send(res, 500, FAILING))
        .finally(release);
    });
  }

  function serviceHealth(res: ServerResponse): void {
    admit(healthGate, res, () => {
      healthBody ??= JSON.stringify({ failing: settings.failure, minResponseTime: settings.delay });
      send(res, 200, healthBody);
    });
  }

  function getPayment(res: ServerResponse, id: string): void {
    const payment = isUuid(id) ? store.get(id) : null;
    if (payment === null) return send(res, 404, NOT_FOUND);
    const answer = {
      correlationId: payment.correlationId,
      amount: centsToNumber(payment.cents),
      requestedAt: formatIsoMicros(payment.requestedAtMicros),
    };
    send(res, 200, JSON.stringify(answer));
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    // ASP.NET routing ignores case; ids are lowercased for lookup anyway.
    const path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
    const method = req.method;
    if (path === '/payments') {
      if (method === 'POST') return postPayment(req, res);
    } else if (path === '/payments/service-health') {
      if (method === 'GET') return serviceHealth(res);
    } else if (path.startsWith('/payments/')) {
      if (method === 'GET') return getPayment(res, path.slice('/payments/'.length));
    } else if (path.startsWith('/admin/')) {
      if (handleAdmin(req, res, path, q < 0 ? '' : url.slice(q + 1), settings, store)) return;
    }
    send(res, 404, NOT_FOUND);
  });
  // Load-test clients keep connections open; headersTimeout must exceed it.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        healthLimiter.close();
        for (const wake of [...sleepers]) wake();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
