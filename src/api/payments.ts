import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonText } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { isRedisError } from '../redis/errors.ts';
import { enqueue } from '../store/enqueue.ts';
import { validatePayment } from './validate.ts';

export const BODY_LIMIT_BYTES = 4096;

/**
 * POST /payments: validate, one Redis round trip, answer. A 202 means Redis holds
 * the payment in the queue; any doubt about that is a 503, never a 2XX.
 */
export function postPayment(redis: RedisConnection) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sent = await readJsonText(req, BODY_LIMIT_BYTES);
    const payment = validatePayment(sent.value, sent.text);
    let result;
    try {
      result = await enqueue(redis, payment.id, payment.cents, Date.now());
    } catch (err) {
      throw storeError(err);
    }
    if (result === 'conflict') {
      throw new HttpError(409, `correlationId ${payment.id} was already accepted with a different amount`);
    }
    const body = `{"correlationId":"${payment.id}","status":"${result}"}`;
    res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  };
}

function storeError(err: unknown): HttpError {
  if (isRedisError(err, 'UNCERTAIN')) {
    return new HttpError(503, 'payment store connection lost mid-request: outcome unknown, retry with the same correlationId', { 'Retry-After': '1' });
  }
  if (isRedisError(err, 'NOT_SENT')) {
    return new HttpError(503, 'payment store unavailable: payment not accepted, retry later', { 'Retry-After': '1' });
  }
  return new HttpError(503, `payment store refused the write: ${(err as Error).message}`, { 'Retry-After': '1' });
}

