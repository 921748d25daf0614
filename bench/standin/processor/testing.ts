// Shared helpers for the simulator's tests: real servers on free ports, native fetch.
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { startProcessor, type ProcessorOptions } from './processor.ts';

export interface Answer {
  status: number;
  /** The parsed JSON body; null when the answer has none. */
  body: unknown;
  /** Milliseconds from sending to the full answer. */
  ms: number;
}

export class Client {
  constructor(
    readonly url: string,
    public token = '123',
  ) {}

  async call(method: string, path: string, init: { body?: string; token?: string | null; signal?: AbortSignal } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = init.token === undefined ? this.token : init.token;
    if (token !== null) headers['x-rinha-token'] = token;
    const started = performance.now();
    const res = await fetch(this.url + path, { method, headers, body: init.body, signal: init.signal });
    const text = await res.text(); // always drained, so connections are reused
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown), ms: performance.now() - started };
  }

  /** POST /payments; `amount` is JSON number text, sent verbatim. */
  pay(payment: { id?: string; amount?: string; requestedAt?: string } = {}, signal?: AbortSignal): Promise<Answer> {
    const id = payment.id ?? randomUUID();
    const body = `{"correlationId":"${id}","amount":${payment.amount ?? '19.90'},"requestedAt":"${payment.requestedAt ?? new Date().toISOString()}"}`;
    return this.call('POST', '/payments', { body, signal });
  }

  get(id: string): Promise<Answer> {
    return this.call('GET', `/payments/${id}`);
  }

  health(): Promise<Answer> {
    return this.call('GET', '/payments/service-health');
  }

  summary(query = ''): Promise<Answer> {
    return this.call('GET', `/admin/payments-summary${query}`);
  }

  configure(name: 'token' | 'delay' | 'failure', value: unknown): Promise<Answer> {
    return this.call('PUT', `/admin/configurations/${name}`, { body: JSON.stringify({ [name]: value }) });
  }
}

/** Starts a processor for one test and closes it when the test ends. */
export async function startFor(t: TestContext, options: Partial<ProcessorOptions> = {}): Promise<Client> {
  const processor = await startProcessor({ port: 0, fee: 0.05, ...options });
  t.after(() => processor.close());
  return new Client(processor.url, options.token ?? '123');
}
