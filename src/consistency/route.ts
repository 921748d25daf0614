import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiConfig } from '../config.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import type { Handler } from '../http/router.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { storeError } from '../api/store-error.ts';
import { buildReport } from './report.ts';

/**
 * GET /consistency-check[?deep=1]: the report as JSON. Always 200 when it could
 * be built: the verdict is in the body, so an inconsistent backend is not an error.
 */
export function consistencyRoute(redis: RedisConnection, config: ApiConfig): Handler {
  return async (_req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    const deep = ['1', 'true', 'yes'].includes(query.get('deep') ?? '');
    const report = await buildReport(redis, { processors: config.processors, adminToken: config.processorAdminToken, deep }).catch((err: unknown) => {
      throw storeError(err, 'request');
    });
    sendJson(res, 200, report);
  };
}
