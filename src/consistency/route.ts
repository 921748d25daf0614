import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiConfig } from '../config.ts';
import { storeError } from '../api/store-error.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import type { Handler } from '../http/router.ts';
import { tokenMatches } from '../http/token.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { buildReport, type Report } from './report.ts';

export const TOKEN_HEADER = 'x-consistency-token';

/**
 * GET /consistency-check[?deep=1]: the report as JSON. Always 200 when it could
 * be built: the verdict is in the body, so an inconsistent backend is not an error.
 * It is served on the public port, so:
 * - deep mode (up to 400 processor lookups, payment ids in the answer) needs the
 *   X-Consistency-Token header to match CONSISTENCY_TOKEN, and is off without it;
 * - the plain report names no payment unless the token is sent;
 * - concurrent requests share the report being built (one plain, one deep at a time),
 *   so a burst of requests costs what one does.
 */
export function consistencyRoute(redis: RedisConnection, config: ApiConfig): Handler {
  const building = new Map<boolean, Promise<Report>>();
  const build = (deep: boolean): Promise<Report> => {
    let report = building.get(deep);
    if (!report) {
      report = buildReport(redis, { processors: config.processors, adminToken: config.processorAdminToken, deep, journalDir: config.journalDir }).finally(() => building.delete(deep));
      building.set(deep, report);
    }
    return report;
  };

  return async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    const deep = ['1', 'true', 'yes'].includes(query.get('deep') ?? '');
    const trusted = tokenMatches(config.consistencyToken, req.headers[TOKEN_HEADER]);
    if (deep && config.consistencyToken === null) {
      throw new HttpError(403, 'deep mode is disabled: set CONSISTENCY_TOKEN on the API and send it in the X-Consistency-Token header');
    }
    if (deep && !trusted) throw new HttpError(401, 'deep mode needs the X-Consistency-Token header to match CONSISTENCY_TOKEN');
    const report = await build(deep).catch((err: unknown) => {
      throw storeError(err, 'request');
    });
    sendJson(res, 200, trusted ? report : withoutIds(report));
  };
}

/** The report without the correlationIds of payments still in progress. */
function withoutIds(report: Report): Report {
  return { ...report, sentNotProcessed: { ...report.sentNotProcessed, sample: [] } };
}
