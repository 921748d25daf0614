/**
 * How the worker talks HTTP to a processor. Two interchangeable transports,
 * chosen by PROCESSOR_TRANSPORT: `http` (node:http with a keep-alive Agent) and
 * `fetch` (native fetch). Measured in docs/benchmarks.md: fetch costs several times the
 * CPU per call, and the worker's CPU decides whether it keeps up.
 */
export type TransportKind = 'http' | 'fetch';

export interface Reply {
  status: number;
  body: string;
}

export type Method = 'GET' | 'POST' | 'PUT';

export interface Transport {
  /**
   * One request to `path` on this transport's processor; rejects with TransportError.
   * `headers`: extra headers as name, value pairs (the admin token); none on the payment path.
   */
  request(method: Method, path: string, body: string | null, timeoutMs: number, headers?: readonly string[]): Promise<Reply>;
  /** As request(), for a call whose answer is its status alone (POST /payments): the body is read and dropped. */
  status(method: Method, path: string, body: string | null, timeoutMs: number): Promise<number>;
  /** Closes idle connections (shutdown, tests). */
  close(): void;
}

/**
 * A request that got no HTTP answer. `sent` is false only when not a byte of it
 * can have reached the processor (the connection was refused or never resolved):
 * only then is it safe to treat the payment as not processed.
 */
export class TransportError extends Error {
  constructor(
    readonly reason: string,
    readonly sent: boolean,
  ) {
    super(reason);
  }
}

/** Connection errors raised before anything was written. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function transportError(code: string | undefined, message: string): TransportError {
  return new TransportError(code ?? message, !(code !== undefined && NEVER_SENT.has(code)));
}
