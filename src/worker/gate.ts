import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Per-processor flow control: a bound on requests in flight, and a pause after
 * failures that grows exponentially (capped). After a failure only one request
 * at a time probes the processor, until one succeeds: a failing processor is not
 * hammered, and few payments sit in its delay when it recovers (a request sleeping
 * there is inserted later with its old requestedAt, racing the auditor's window).
 * A success, or a health report saying it recovered, ends the pause.
 */
export class Gate {
  private active = 0;
  private waiting: (() => void)[] = [];
  private failures = 0;
  private pausedUntil = 0;
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly backoffBaseMs: number,
    private readonly backoffMaxMs: number,
  ) {}

  /** Failed calls in a row, across payments; zero after any success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  get isPaused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  /** Waits for the pause to end and a free slot; call release() after the request. */
  async acquire(): Promise<void> {
    for (;;) {
      if (this.closed) throw new GateClosed();
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) {
        await sleep(Math.min(wait, 250));
        continue;
      }
      if (this.active < (this.failures > 0 ? 1 : this.limit)) break;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  succeeded(): void {
    const wasProbing = this.failures > 0;
    this.failures = 0;
    this.pausedUntil = 0;
    if (wasProbing) this.wakeAll();
  }

  failed(): void {
    const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.min(this.failures, 20));
    this.failures++;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
  }

  /** A fresh health report said the processor works: probe again now. */
  recovered(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.pausedUntil = 0;
    this.wakeAll();
  }

  /** Shutting down: every waiting and future acquire() throws GateClosed. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  /** Waiters re-check the limit, which just grew from one probe to the full bound. */
  private wakeAll(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

export class GateClosed extends Error {
  constructor() {
    super('gate closed: shutting down');
  }
}
