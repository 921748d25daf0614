import { HttpError } from '../http/errors.ts';
import { memberText } from '../http/json-member.ts';
import { MAX_AMOUNT_CENTS, centsFromText, formatCents } from '../money.ts';

/** A payment as the API accepts it: a lowercase UUID and integer cents. */
export interface PaymentRequest {
  id: string;
  cents: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Throws a 400 naming the first field that is wrong. `text` is the body as sent:
 * the amount is decided on its digits there (see src/money.ts), not on the double.
 */
export function validatePayment(body: unknown, text: string): PaymentRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  const { correlationId, amount } = body as Record<string, unknown>;
  if (correlationId === undefined || correlationId === null) throw new HttpError(400, 'correlationId is required');
  if (typeof correlationId !== 'string') throw new HttpError(400, `correlationId must be a string, got ${typeof correlationId}`);
  if (!UUID.test(correlationId)) throw new HttpError(400, 'correlationId must be a UUID such as 4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3');
  if (amount === undefined || amount === null) throw new HttpError(400, 'amount is required');
  if (typeof amount !== 'number') throw new HttpError(400, `amount must be a JSON number, got ${typeof amount}`);
  const amountText = memberText(text, 'amount');
  const cents = amountText === undefined ? null : centsFromText(amountText);
  if (cents === null) {
    if (amount * 100 > MAX_AMOUNT_CENTS) throw new HttpError(400, `amount must be at most ${formatCents(MAX_AMOUNT_CENTS)}`);
    throw new HttpError(400, 'amount must be a positive number with at most 2 decimals');
  }
  // Lowercase so that the same UUID in another case is the same payment.
  return { id: correlationId.toLowerCase(), cents };
}
