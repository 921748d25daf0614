import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { PROCESSORS } from '../store/keys.ts';
import { fold, FOLD_BATCH, pruneStep } from '../store/retention.ts';

export interface RetentionConfig {
  /** Log members older than this are folded (LEDGER_DETAIL_RETENTION). */
  detailMs: number;
  /** `done`/`accepted` entries older than this are pruned (IDEMPOTENCY_RETENTION). */
  idempotencyMs: number;
}

const FOLD_BATCHES_PER_TICK = 10;

/**
 * The worker's retention duty, off every hot path: once a second, fold what
 * is past the detail horizon (up to 5,000 members per processor), and during
 * a prune pass take one step. A pass starts a tenth of IDEMPOTENCY_RETENTION
 * (at most 10 minutes) after the last one ended, and after start: nothing can
 * be prunable sooner, and a pass over the guards costs Redis ~0.5 ms a step.
 * Each script call is a bounded batch, so Redis never stalls on it.
 */
export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private nextPassAtMs: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: RetentionConfig,
    private readonly everyMs = 1_000,
  ) {
    this.nextPassAtMs = Date.now() + this.passEveryMs;
  }

  private get passEveryMs(): number {
    return Math.min(this.config.idempotencyMs / 10, 600_000);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(nowMs = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const p of PROCESSORS) {
        for (let i = 0; i < FOLD_BATCHES_PER_TICK; i++) {
          if ((await fold(this.redis, p, nowMs - this.config.detailMs)) < FOLD_BATCH) break;
        }
      }
      if (nowMs >= this.nextPassAtMs && (await pruneStep(this.redis, nowMs - this.config.idempotencyMs)).passDone) {
        this.nextPassAtMs = nowMs + this.passEveryMs;
      }
    } catch (err) {
      log.warn('ledger retention step failed; retrying in a second', err);
    } finally {
      this.running = false;
    }
  }
}
