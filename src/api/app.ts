import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson } from '../http/errors.ts';
import { Router } from '../http/router.ts';
import { tokenMatches } from '../http/token.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { purge } from '../store/purge.ts';
import { ping } from '../store/server.ts';
import { BODY_LIMIT_BYTES, acceptPayment } from './payments.ts';
import { storeError } from './store-error.ts';
import { getSummary } from './summary.ts';
import type { MemoryGuard } from './memory-guard.ts';
import type { JournalWriter } from '../journal/writer.ts';

export interface AppOptions {
  instance: string;
  /** Extra routes, e.g. the consistency report, added by the caller. */
  extend?: (router: Router) => void;
  /** Refuses new payments once Redis is nearly full; none: never refuse on memory. */
  memory?: MemoryGuard;
  /** JOURNAL_DIR's writer: payments are appended there; none: enqueued in Redis. */
  journal?: JournalWriter;
  /** PURGE_TOKEN: when set, POST /purge-payments needs it in X-Purge-Token; null: open, as the contest's test calls it. */
  purgeToken?: string | null;
}

const PURGE_TOKEN_HEADER = 'x-purge-token';

/** Every route of the API instance. */
export function createRouter(redis: RedisConnection, options: AppOptions): Router {
  const purgeToken = options.purgeToken ?? null;
  const router = new Router(BODY_LIMIT_BYTES)
    .on('POST', '/payments', acceptPayment(redis, options.memory, options.journal))
    .on('GET', '/payments-summary', getSummary(redis))
    .on('POST', '/purge-payments', async (req: IncomingMessage, res: ServerResponse) => {
      if (purgeToken !== null && !tokenMatches(purgeToken, req.headers[PURGE_TOKEN_HEADER])) {
        throw new HttpError(401, 'purge needs the X-Purge-Token header to match PURGE_TOKEN');
      }
      const removed = await purge(redis).catch((err: unknown) => {
        throw storeError(err, 'request');
      });
      sendJson(res, 200, { message: 'All payments purged.', keysRemoved: removed });
    })
    .on('GET', '/ready', async (_req: IncomingMessage, res: ServerResponse) => {
      // Ready means this instance can reach Redis now, not just that it started.
      await ping(redis).catch((err: unknown) => {
        throw new HttpError(503, 'not ready: payment store unreachable', {}, err);
      });
      sendJson(res, 200, { ready: true, instance: options.instance });
    });
  options.extend?.(router);
  return router;
}
