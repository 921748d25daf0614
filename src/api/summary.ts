import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson } from '../http/errors.ts';
import { ledgerTotals } from '../store/summary.ts';
import { centsToNumber } from '../money.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { windowBounds } from '../time.ts';
import { storeError } from './store-error.ts';

/** GET /payments-summary?from&to: per-processor totals for requestedAt in [from, to]. */
export function getSummary(redis: RedisConnection) {
  return async (_req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    const bounds = windowBounds(query.get('from'), query.get('to'));
    if ('error' in bounds) throw new HttpError(400, bounds.error);
    const [d, f] = await Promise.all([
      ledgerTotals(redis, 'default', bounds.fromMs, bounds.toMs),
      ledgerTotals(redis, 'fallback', bounds.fromMs, bounds.toMs),
    ]).catch((err: unknown) => {
      throw storeError(err, 'request');
    });
    sendJson(res, 200, {
      default: { totalRequests: d.count, totalAmount: centsToNumber(d.cents) },
      fallback: { totalRequests: f.count, totalAmount: centsToNumber(f.cents) },
    });
  };
}
