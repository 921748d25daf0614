import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.ts';

/**
 * Reads a JSON request body: 415 unless the content type is JSON, 413 past the
 * limit (checked on Content-Length first, then while reading), 400 when unparseable.
 */
export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  return (await readJsonText(req, limitBytes)).value;
}

/** readJson, with the body's text as well: for checks on the digits a client wrote. */
export function readJsonText(req: IncomingMessage, limitBytes: number): Promise<{ value: unknown; text: string }> {
  const type = req.headers['content-type'];
  if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) {
    req.resume();
    return Promise.reject(new HttpError(415, `Content-Type must be application/json, got ${type === undefined ? 'none' : `"${type}"`}`));
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) {
    req.resume();
    return Promise.reject(new HttpError(413, `body must be at most ${limitBytes} bytes, got ${declared}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new HttpError(413, `body must be at most ${limitBytes} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limitBytes) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        resolve({ value: JSON.parse(text), text });
      } catch {
        reject(new HttpError(400, 'body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}
