// The two limiters of the reference (ASP.NET ConcurrencyLimiter on POST /payments,
// FixedWindowRateLimiter on service-health), as callback queues so the hot path
// allocates no promises.

export type Admission = 'granted' | 'queued' | 'rejected';
export type Waiter = () => void;

/** A FIFO queue of waiters that a caller can leave (its client went away). */
class WaitQueue {
  private readonly waiters: Waiter[] = [];

  get length(): number {
    return this.waiters.length;
  }

  push(waiter: Waiter): void {
    this.waiters.push(waiter);
  }

  /** The oldest waiter, taken out of the queue; null when none waits. */
  shift(): Waiter | null {
    return this.waiters.shift() ?? null;
  }

  remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  clear(): void {
    this.waiters.length = 0;
  }
}

/** At most `permits` holders; `queueLimit` more wait (oldest first); the rest are rejected. */
export class ConcurrencyLimiter {
  private readonly queue = new WaitQueue();
  private active = 0;

  constructor(
    readonly permits: number,
    readonly queueLimit: number,
  ) {}

  /** 'granted': the caller holds a slot now; 'queued': `waiter` runs when it gets one. */
  acquire(waiter: Waiter): Admission {
    if (this.active < this.permits && this.queue.length === 0) {
      this.active += 1;
      return 'granted';
    }
    if (this.queue.length >= this.queueLimit) return 'rejected';
    this.queue.push(waiter);
    return 'queued';
  }

  /** Leaves the queue (only meaningful while still queued). */
  withdraw(waiter: Waiter): void {
    this.queue.remove(waiter);
  }

  /** Hands the slot straight to the oldest waiter, if any. */
  release(): void {
    const next = this.queue.shift();
    if (next === null) this.active -= 1;
    else next();
  }
}

/**
 * One call per window. Windows are counted from the first call, as an ASP.NET
 * limiter partition is created on first use and then replenishes on its own
 * cadence; each later window serves the oldest queued call first.
 */
export class FixedWindowLimiter {
  private readonly queue = new WaitQueue();
  private origin: number | null = null;
  private lastUsedWindow = -1;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly windowMs: number,
    readonly queueLimit: number,
  ) {}

  take(waiter: Waiter): Admission {
    const now = performance.now();
    this.origin ??= now;
    const window = this.windowAt(now);
    if (window > this.lastUsedWindow && this.queue.length === 0) {
      this.lastUsedWindow = window;
      return 'granted';
    }
    if (this.queue.length >= this.queueLimit) return 'rejected';
    this.queue.push(waiter);
    this.schedule();
    return 'queued';
  }

  withdraw(waiter: Waiter): void {
    this.queue.remove(waiter);
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.clear();
  }

  private windowAt(now: number): number {
    return Math.floor((now - (this.origin ?? now)) / this.windowMs);
  }

  private schedule(): void {
    if (this.timer !== null || this.queue.length === 0 || this.origin === null) return;
    const opensAt = this.origin + (this.lastUsedWindow + 1) * this.windowMs;
    // ceil: a timer that fires a hair early just re-arms instead of spinning.
    const wait = Math.max(0, Math.ceil(opensAt - performance.now()));
    this.timer = setTimeout(() => this.onWindow(), wait);
  }

  private onWindow(): void {
    this.timer = null;
    const window = this.windowAt(performance.now());
    if (window > this.lastUsedWindow) {
      const next = this.queue.shift();
      if (next !== null) {
        this.lastUsedWindow = window;
        next();
      }
    }
    this.schedule();
  }
}
