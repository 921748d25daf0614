// Request bodies: reading them and turning a POST /payments body into a row.
import type { IncomingMessage } from 'node:http';
import { amountTextToCents } from './decimal.ts';
import type { Payment } from './store.ts';
import { parseIsoMicros } from './time.ts';

const MAX_BODY_CHARS = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The body text; '' when oversized (so it fails to parse); null if the client left. */
export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    // Admitted from a queue just as its client left: 'close' has already fired.
    if (req.destroyed) return resolve(null);
    let text = '';
    let oversized = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (oversized) return;
      text += chunk;
      if (text.length > MAX_BODY_CHARS) oversized = true;
    });
    req.on('end', () => resolve(oversized ? '' : text));
    // After 'end' these are no-ops: a promise settles once.
    req.on('error', () => resolve(null));
    req.on('close', () => resolve(null));
  });
}

/** JSON.parse that answers null instead of throwing (a JSON null is no object either). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A valid POST /payments body as a row, or null (-> 400). */
export function parsePayment(text: string): Payment | null {
  const body = parseJson(text);
  if (!isRecord(body)) return null;
  const { correlationId, amount, requestedAt } = body;
  if (typeof correlationId !== 'string' || !UUID.test(correlationId)) return null;
  if (typeof amount !== 'number' || typeof requestedAt !== 'string') return null;
  // JSON.parse has lost the digits we must round on; take them from the text.
  const amountText = rawMember(text, 'amount');
  const cents = amountText === null ? null : amountTextToCents(amountText);
  const requestedAtMicros = parseIsoMicros(requestedAt);
  if (cents === null || requestedAtMicros === null) return null;
  return { correlationId: correlationId.toLowerCase(), cents, requestedAtMicros };
}

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/**
 * Raw text of a top-level member of `json`, which must already be known to be
 * a valid JSON object. The last duplicate wins, as with JSON.parse; null when absent.
 */
export function rawMember(json: string, key: string): string | null {
  let found: string | null = null;
  let i = skipSpace(json, json.indexOf('{') + 1);
  while (i < json.length && json[i] !== '}') {
    const keyEnd = endOfString(json, i);
    const keyText = json.slice(i + 1, keyEnd - 1);
    const name = keyText.includes('\\') ? (JSON.parse(json.slice(i, keyEnd)) as string) : keyText;
    const valueStart = skipSpace(json, skipSpace(json, keyEnd) + 1); // past ':'
    const valueEnd = endOfValue(json, valueStart);
    if (name === key) found = json.slice(valueStart, valueEnd);
    i = skipSpace(json, valueEnd);
    if (json[i] === ',') i = skipSpace(json, i + 1);
  }
  return found;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i += 1;
  }
  return i;
}

/** `i` is at an opening quote; returns the index just past the closing one. */
function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j += 1) {
    const c = text[j];
    if (c === '\\') j += 1;
    else if (c === '"') return j + 1;
  }
  return text.length;
}

function endOfValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return endOfString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j += 1) {
      const c = text[j];
      if (c === '"') j = endOfString(text, j) - 1;
      else if (c === '{' || c === '[') depth += 1;
      else if ((c === '}' || c === ']') && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !',}] \t\n\r'.includes(text[j]!)) j += 1;
  return j;
}
