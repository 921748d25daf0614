// Writing answers, and admission through a limiter that a request can leave.
import type { ServerResponse } from 'node:http';
import type { Admission, Waiter } from './limits.ts';

// Constant bodies are encoded once: this runs beside a load test on 2 cores.
const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
export const PROCESSED = body({ message: 'payment processed successfully' });
export const DUPLICATE = body({ message: 'duplicate' });
export const FAILING = body({ message: 'payment processor failure' });
export const INVALID = body({ message: 'invalid request' });
export const TOO_MANY = body({ message: 'too many requests' });
export const UNAUTHORIZED = body({ message: 'invalid token' });
export const NOT_FOUND = body({ message: 'not found' });
export const PURGED = body({ message: 'All payments purged.' });

/** A JSON answer, or an empty one when `payload` is undefined. */
export function send(res: ServerResponse, status: number, payload?: Buffer | string): void {
  // A request abandoned mid-delay still runs to the end; its answer goes nowhere.
  if (res.destroyed || res.writableEnded) return;
  if (payload === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': length });
  res.end(payload);
}

export interface Gate {
  take(waiter: Waiter): Admission;
  withdraw(waiter: Waiter): void;
}

/**
 * Runs `onGranted` now or once admitted, or answers 429. A queued request whose
 * client goes away leaves the queue, as ASP.NET's limiters do on RequestAborted.
 */
export function admit(gate: Gate, res: ServerResponse, onGranted: Waiter): void {
  let queued = false;
  const waiter = (): void => {
    queued = false;
    onGranted();
  };
  const admission = gate.take(waiter);
  if (admission === 'rejected') return send(res, 429, TOO_MANY);
  if (admission === 'granted') return onGranted();
  queued = true;
  res.once('close', () => {
    if (queued) gate.withdraw(waiter);
  });
}
