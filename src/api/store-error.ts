import { HttpError } from '../http/errors.ts';
import { isRedisError } from '../redis/errors.ts';
import { isOutOfMemory } from '../store/past-limit.ts';

/**
 * A failed Redis call as the client should see it: a fixed message saying what
 * it may assume, never the store's own text (addresses, script hashes, OOM
 * messages). The error itself goes to the log as the cause.
 * Retry-After only where retrying soon can help: not for a full store.
 */
export function storeError(err: unknown, action: 'payment' | 'request'): HttpError {
  if (isRedisError(err, 'UNCERTAIN')) {
    const message = action === 'payment' ? 'payment store connection lost mid-request: outcome unknown, retry with the same correlationId' : 'payment store did not answer in time, retry later';
    return new HttpError(503, message, { 'Retry-After': '1' }, err);
  }
  if (isRedisError(err, 'NOT_SENT')) {
    const message = action === 'payment' ? 'payment store unavailable: payment not accepted, retry later' : 'payment store unavailable, retry later';
    return new HttpError(503, message, { 'Retry-After': '1' }, err);
  }
  if (isOutOfMemory(err)) {
    const message = action === 'payment' ? 'payment store is full: payment not accepted; retrying will not help until an operator frees space' : 'payment store is full';
    return new HttpError(503, message, {}, err);
  }
  if (isRedisError(err, 'REPLY')) return new HttpError(503, action === 'payment' ? 'payment store refused the write: payment not accepted' : 'payment store refused the request', {}, err);
  return new HttpError(500, 'internal error', {}, err);
}
