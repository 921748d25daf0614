import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { memoryFigures } from '../store/server.ts';

/**
 * Keeps Redis's last memory figures, read with INFO memory once a second off the
 * request path, so POST /payments can refuse new payments well before
 * `maxmemory`: the headroom left is for the worker to record what processors
 * already hold. Zero Redis round trips per request. maxmemory 0 (unlimited)
 * never refuses; neither does a failed read (the enqueue itself then fails or not).
 */
export class MemoryGuard {
  private usedBytes = 0;
  private maxBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisConnection,
    /** Share of maxmemory (0..1] above which new payments are refused. */
    private readonly refuseAt: number,
    private readonly everyMs = 1_000,
  ) {}

  /** Reads once now, then every `everyMs`. */
  async start(): Promise<void> {
    await this.read();
    this.timer = setInterval(() => void this.read(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** True once used memory has passed the threshold at the last read. */
  get full(): boolean {
    return this.maxBytes > 0 && this.usedBytes > this.maxBytes * this.refuseAt;
  }

  private async read(): Promise<void> {
    try {
      const { usedBytes, maxBytes } = await memoryFigures(this.redis);
      const wasFull = this.full;
      this.usedBytes = usedBytes;
      this.maxBytes = maxBytes;
      if (this.full !== wasFull) {
        const figures = `Redis used_memory ${this.usedBytes} of maxmemory ${this.maxBytes} (threshold ${Math.round(this.refuseAt * 100)}%)`;
        if (this.full) log.error(`refusing new payments: ${figures}; free space or raise maxmemory`);
        else log.warn(`accepting payments again: ${figures}`);
      }
    } catch (err) {
      log.debug('reading Redis memory figures failed', err);
    }
  }
}
