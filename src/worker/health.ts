import type { RedisConnection } from '../redis/connection.ts';
import { publishHealth, readHealth, takeHealthLease } from '../store/health.ts';
import { PROCESSORS, type Processor } from '../store/keys.ts';
import { log } from '../log.ts';
import type { Health, ProcessorClient } from '../processor/client.ts';

/** The processors allow one health call per 5 s each, shared by every caller. */
const LEASE_MS = 5_100;
const READ_EVERY_MS = 1_000;

export interface HealthReport extends Health {
  atMs: number;
}

/**
 * Health checks shared across the deployment: whoever takes the lease in Redis
 * (SET NX PX) calls the processor and publishes the answer; everyone reads it.
 */
export class HealthMonitor {
  private readonly latest = new Map<Processor, HealthReport>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisConnection,
    private readonly clients: Record<Processor, ProcessorClient>,
    private readonly owner: string,
    private readonly onReport: (p: Processor, report: HealthReport) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), READ_EVERY_MS);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The last report, if it is recent enough to act on. */
  get(p: Processor, maxAgeMs = 10_000): HealthReport | null {
    const report = this.latest.get(p);
    return report && Date.now() - report.atMs <= maxAgeMs ? report : null;
  }

  private async tick(): Promise<void> {
    for (const p of PROCESSORS) {
      try {
        if (await takeHealthLease(this.redis, p, this.owner, LEASE_MS)) {
          const health = await this.clients[p].health(2_000);
          const report: HealthReport = { ...health, atMs: Date.now() };
          await publishHealth(this.redis, p, report, 60_000);
        }
        const report = await readHealth(this.redis, p);
        if (report === null) continue;
        const previous = this.latest.get(p);
        if (previous?.atMs === report.atMs) continue;
        this.latest.set(p, report);
        this.onReport(p, report);
      } catch (err) {
        log.debug(`health of ${p} unavailable`, err);
      }
    }
  }
}
