import type { ServerResponse } from 'node:http';
import { log } from '../log.ts';

/**
 * An error meant for the client: its status and message are shown as they are.
 * `cause` (what really happened) only goes to the log.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HttpError';
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Stringify before writing headers, in case it throws.
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The one place where errors become responses. An HttpError shows its message
 * (written for the client; a 5XX with a cause is logged with it, while one
 * without is a decision whoever made it has logged, e.g. a full store, which
 * would otherwise log once per refused request); anything else is a bug:
 * logged with its stack, answered with a generic 500.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    if (err.status >= 500 && err.cause !== undefined) log.error(`${err.status}: ${err.message}`, err.cause, { stack: err.status === 500 });
    sendJson(res, err.status, { error: err.message }, err.headers);
    return;
  }
  log.error('500: unexpected error', err, { stack: true });
  sendJson(res, 500, { error: 'internal error' });
}
