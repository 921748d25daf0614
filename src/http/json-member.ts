/**
 * The source text of one member of a JSON object, e.g. `19.90` for "amount" in
 * `{"amount": 19.90}`. JSON.parse turns numbers into doubles, which cannot tell
 * 1000.005 from 1000.00499999999999545; money is decided on the text the client
 * wrote. Call it only on text JSON.parse accepted: it does not validate.
 * Like JSON.parse, the last of repeated keys wins; undefined when absent or when
 * the top level is not an object.
 */
export function memberText(json: string, key: string): string | undefined {
  let i = skipSpace(json, 0);
  if (json[i] !== '{') return undefined;
  let found: string | undefined;
  i = skipSpace(json, i + 1);
  while (json[i] === '"') {
    const keyEnd = stringEnd(json, i);
    const raw = json.slice(i + 1, keyEnd - 1);
    // A key with escapes ("\u0061mount") is still the same key.
    const name = raw.includes('\\') ? (JSON.parse(json.slice(i, keyEnd)) as string) : raw;
    const start = skipSpace(json, skipSpace(json, keyEnd) + 1); // past the colon
    const end = valueEnd(json, start);
    if (name === key) found = json.slice(start, end);
    i = skipSpace(json, end);
    if (json[i] !== ',') break;
    i = skipSpace(json, i + 1);
  }
  return found;
}

function skipSpace(json: string, i: number): number {
  while (i < json.length && (json[i] === ' ' || json[i] === '\n' || json[i] === '\r' || json[i] === '\t')) i++;
  return i;
}

/** Index just past the string that opens at i. */
function stringEnd(json: string, i: number): number {
  for (i++; i < json.length; i++) {
    if (json[i] === '\\') i++;
    else if (json[i] === '"') return i + 1;
  }
  return i;
}

/** Index just past the value that starts at i: a string, an object or array (nested), or a bare word or number. */
function valueEnd(json: string, i: number): number {
  const first = json[i];
  if (first === '"') return stringEnd(json, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    while (i < json.length) {
      const c = json[i];
      if (c === '"') {
        i = stringEnd(json, i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      i++;
      if (depth === 0) return i;
    }
    return i;
  }
  while (i < json.length && !',}] \n\r\t'.includes(json[i]!)) i++;
  return i;
}
