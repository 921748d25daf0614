import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { http } from '../http/node-http.ts';
import { transportError, TransportError, type Reply, type Transport } from './transport.ts';

/**
 * node:http with a keep-alive Agent bounded to `maxSockets` connections.
 * Per call it does as little as node:http allows: the target is parsed once,
 * headers go as a raw array with Host precomputed, and deadlines are enforced by
 * one sweep timer instead of a socket timeout per request (measured: ~10-15% of
 * the CPU of a call).
 */
export function httpTransport(baseUrl: string, maxSockets: number): Transport {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' });
  const host = url.hostname;
  const port = Number(url.port) || 80;
  const hostHeader = url.host;
  const prefix = url.pathname.replace(/\/+$/, '');
  const deadlines = new Deadlines();

  /** Sends one request; `read` consumes the response and settles the promise. */
  function send<T>(method: string, path: string, body: string | null, timeoutMs: number, extraHeaders: readonly string[] | undefined, read: (res: IncomingMessage, done: (value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const headers = body === null ? ['Host', hostHeader] : ['Host', hostHeader, 'Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body))];
      if (extraHeaders) headers.push(...extraHeaders);
      const req = http.request({ host, port, method, path: prefix + path, agent, setHost: false, headers: headers as unknown as OutgoingHttpHeaders }, (res) => {
        res.on('error', (err: NodeJS.ErrnoException) => reject(transportError(err.code, err.message)));
        res.on('close', () => res.complete || reject(transportError('ECONNRESET', 'response cut short')));
        read(res, (value) => {
          deadlines.remove(req);
          resolve(value);
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        deadlines.remove(req);
        reject(err instanceof TransportError ? err : transportError(err.code, err.message));
      });
      deadlines.add(req, timeoutMs);
      req.end(body ?? undefined);
    });
  }

  return {
    request(method, path, body, timeoutMs, extraHeaders) {
      return send<Reply>(method, path, body, timeoutMs, extraHeaders, (res, done) => {
        // Bodies are a few bytes: kept as chunks, decoded once at the end.
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: chunks.length === 0 ? '' : Buffer.concat(chunks).toString() }));
      });
    },
    status(method, path, body, timeoutMs) {
      // The body is drained unread: no chunk kept, no string made (measured: ~10% of a call's CPU).
      return send<number>(method, path, body, timeoutMs, undefined, (res, done) => {
        res.on('end', () => done(res.statusCode ?? 0));
        res.resume();
      });
    },
    close() {
      deadlines.stop();
      agent.destroy();
    },
  };
}

/** Requests past their deadline are destroyed with a timeout, checked every 50 ms. */
class Deadlines {
  private readonly byRequest = new Map<ClientRequest, number>();
  private timer: NodeJS.Timeout | null = null;

  add(req: ClientRequest, timeoutMs: number): void {
    this.byRequest.set(req, Date.now() + timeoutMs);
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(), 50);
      this.timer.unref();
    }
  }

  remove(req: ClientRequest): void {
    this.byRequest.delete(req);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [req, deadline] of this.byRequest) {
      if (deadline > now) continue;
      this.byRequest.delete(req);
      req.destroy(new TransportError('timeout', true));
    }
    if (this.byRequest.size === 0) this.stop();
  }
}
