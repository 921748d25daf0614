import { transportError, type Transport } from './transport.ts';

/** Native fetch (undici inside Node): the project's original transport, kept selectable. */
export function fetchTransport(baseUrl: string): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  const json = { 'Content-Type': 'application/json' };
  const transport: Transport = {
    async request(method, path, body, timeoutMs, extraHeaders) {
      const headers = extraHeaders ? withPairs(body === null ? {} : json, extraHeaders) : body === null ? undefined : json;
      try {
        const res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
        // Reading the body lets undici reuse the connection.
        return { status: res.status, body: await res.text() };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        throw e.name === 'TimeoutError' ? transportError(undefined, 'timeout') : transportError(e.cause?.code, e.message);
      }
    },
    async status(method, path, body, timeoutMs) {
      return (await transport.request(method, path, body, timeoutMs)).status;
    },
    close() {},
  };
  return transport;
}

function withPairs(headers: Record<string, string>, pairs: readonly string[]): Record<string, string> {
  const all = { ...headers };
  for (let i = 0; i + 1 < pairs.length; i += 2) all[pairs[i]!] = pairs[i + 1]!;
  return all;
}
