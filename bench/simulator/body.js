import { amountTextToCents } from "./decimal.js";
import { parseIsoMicros } from "./time.js";
const MAX_BODY_CHARS = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The body text; '' when oversized (so it fails to parse); undefined if the client left. */
export function readBody(req) {
    return new Promise((resolve) => {
        // Admitted from a queue just as its client left: 'close' has already fired.
        if (req.destroyed)
            return resolve(undefined);
        let text = '';
        let oversized = false;
        req.setEncoding('utf8');
        req.on('data', (chunk) => {
            if (oversized)
                return;
            text += chunk;
            if (text.length > MAX_BODY_CHARS)
                oversized = true;
        });
        req.on('end', () => resolve(oversized ? '' : text));
        // After 'end' these are no-ops: a promise settles once.
        req.on('error', () => resolve(undefined));
        req.on('close', () => resolve(undefined));
    });
}
/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
export function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** A valid POST /payments body as a row, or undefined (-> 400). */
export function parsePayment(text) {
    const body = parseJson(text);
    if (!isRecord(body))
        return undefined;
    const { correlationId, amount, requestedAt } = body;
    if (typeof correlationId !== 'string' || !UUID.test(correlationId))
        return undefined;
    if (typeof amount !== 'number' || typeof requestedAt !== 'string')
        return undefined;
    // JSON.parse has lost the digits we must round on; take them from the text.
    const amountText = rawMember(text, 'amount');
    const cents = amountText === undefined ? undefined : amountTextToCents(amountText);
    const requestedAtMicros = parseIsoMicros(requestedAt);
    if (cents === undefined || requestedAtMicros === undefined)
        return undefined;
    return { correlationId: correlationId.toLowerCase(), cents, requestedAtMicros };
}
export function isUuid(text) {
    return UUID.test(text);
}
/**
 * Raw text of a top-level member of `json`, which must already be known to be
 * a valid JSON object. The last duplicate wins, as with JSON.parse.
 */
export function rawMember(json, key) {
    let found;
    let i = skipSpace(json, json.indexOf('{') + 1);
    while (i < json.length && json[i] !== '}') {
        const keyEnd = endOfString(json, i);
        const keyText = json.slice(i + 1, keyEnd - 1);
        const name = keyText.includes('\\') ? JSON.parse(json.slice(i, keyEnd)) : keyText;
        const valueStart = skipSpace(json, skipSpace(json, keyEnd) + 1); // past ':'
        const valueEnd = endOfValue(json, valueStart);
        if (name === key)
            found = json.slice(valueStart, valueEnd);
        i = skipSpace(json, valueEnd);
        if (json[i] === ',')
            i = skipSpace(json, i + 1);
    }
    return found;
}
function skipSpace(text, i) {
    while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)
            break;
        i += 1;
    }
    return i;
}
/** `i` is at an opening quote; returns the index just past the closing one. */
function endOfString(text, i) {
    for (let j = i + 1; j < text.length; j += 1) {
        const c = text[j];
        if (c === '\\')
            j += 1;
        else if (c === '"')
            return j + 1;
    }
    return text.length;
}
function endOfValue(text, i) {
    const first = text[i];
    if (first === '"')
        return endOfString(text, i);
    if (first === '{' || first === '[') {
        let depth = 0;
        for (let j = i; j < text.length; j += 1) {
            const c = text[j];
            if (c === '"')
                j = endOfString(text, j) - 1;
            else if (c === '{' || c === '[')
                depth += 1;
            else if ((c === '}' || c === ']') && --depth === 0)
                return j + 1;
        }
        return text.length;
    }
    let j = i;
    while (j < text.length && !',}] \t\n\r'.includes(text[j]))
        j += 1;
    return j;
}
