/**
 * Per-processor flow control: a bound on requests in flight, and a pause after
 * failures that grows exponentially (capped) so a failing processor is probed,
 * not hammered. A success, or a health report saying it recovered, ends the pause.
 */
export class Gate {
  private active = 0;
  private waiting: (() => void)[] = [];
  private failures = 0;
  private pausedUntil = 0;

  constructor(
    private readonly limit: number,
    private readonly backoffBaseMs: number,
    private readonly backoffMaxMs: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get isPaused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  /** Waits for the pause to end and a free slot; call release() after the request. */
  async acquire(): Promise<void> {
    for (;;) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      if (this.active < this.limit) break;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  succeeded(): void {
    this.failures = 0;
    this.pausedUntil = 0;
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
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
