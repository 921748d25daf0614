import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonText } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { enqueue } from '../store/queue.ts';
import { encodeEntry } from '../store/keys.ts';
import { JournalError, type JournalWriter } from '../journal/writer.ts';
import type { MemoryGuard } from './memory-guard.ts';
import { storeError } from './store-error.ts';
import { validatePayment } from './validate.ts';

export const BODY_LIMIT_BYTES = 4096;

/** What a client sees once Redis passes REDIS_MEMORY_REFUSE_AT: fixed, and no Retry-After (a retry soon cannot help). */
export const STORE_NEARLY_FULL = 'payment store is nearly full: payment not accepted; payments already accepted are still processed; retrying will not help until an operator frees space';

/**
 * The POST /payments handler: validate, store, answer. A 202 means the payment is
 * stored: without a journal, in Redis's queue (one round trip, which also answers
 * a replay or a conflict at once); with one, in this process's journal segment
 * (one write, no other process woken), replays and conflicts being settled when
 * the line is queued (src/journal/). Any doubt about storing is a 503, never a 2XX.
 */
export function acceptPayment(redis: RedisConnection, memory?: MemoryGuard, journal?: JournalWriter) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sent = await readJsonText(req, BODY_LIMIT_BYTES);
    const payment = validatePayment(sent.value, sent.text);
    if (memory?.full) throw new HttpError(503, STORE_NEARLY_FULL);
    let result;
    if (journal) {
      try {
        journal.append(encodeEntry(payment.id, payment.cents, Date.now()));
      } catch (err) {
        if (err instanceof JournalError) throw new HttpError(503, 'payment journal unavailable: payment not accepted, retry later', { 'Retry-After': '1' }, err);
        throw err;
      }
      result = 'received';
    } else {
      try {
        result = await enqueue(redis, payment.id, payment.cents, Date.now());
      } catch (err) {
        throw storeError(err, 'payment');
      }
      if (result === 'conflict') {
        throw new HttpError(409, `correlationId ${payment.id} was already accepted with a different amount`);
      }
    }
    const body = `{"correlationId":"${payment.id}","status":"${result}"}`;
    res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  };
}
