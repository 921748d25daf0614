import type { RedisConnection } from '../redis/connection.ts';
import { IDEMPOTENCY_RETENTION_MS, record, type Processed } from '../store/ledger.ts';

/**
 * Gathers the payments processed within `lingerMs` into one record() call: one
 * write, one round trip and one script run for many payments when the worker is
 * busy (measured: a write per payment cost the worker more CPU than the ledger
 * itself). A payment reaches the ledger at most `lingerMs` after its processor
 * answered; its in-flight slot is held until then.
 */
export class LedgerWriter {
  private pending: { item: Processed; resolve: (fresh: boolean) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;

  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly worker: string,
    options: { lingerMs?: number; maxBatch?: number; retentionMs?: number } = {},
  ) {
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatch ?? 100;
    this.retentionMs = options.retentionMs ?? IDEMPOTENCY_RETENTION_MS;
  }

  /** Resolves once the ledger has the payment (false: already there, or purged); rejects if the write failed. */
  write(item: Processed): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        this.timer = setTimeout(() => this.flush(), this.lingerMs);
      }
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      record(
        this.redis,
        this.worker,
        batch.map((p) => p.item),
        this.retentionMs,
      ).then(
        (fresh) => batch.forEach((p, i) => p.resolve(fresh[i] === true)),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      );
    }
  }
}
