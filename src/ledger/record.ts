import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { BUCKET_MS, keys, PROCESSORS, type Processor, type QueuedPayment } from '../store/keys.ts';

/**
 * Writes processed payments into the ledger and releases them from the worker's
 * in-flight list, atomically, many per call. Only a payment still in that list
 * is recorded: one that a purge removed (or another worker adopted) never
 * reaches these books. The `done` hash makes a second record of an id a no-op,
 * so a replayed batch (e.g. after an uncertain Redis reply) never counts twice.
 * A request older than its acceptance by more than the idempotency retention
 * belongs to an earlier acceptance of the same id whose guards were pruned: it is
 * already in the books, so it is released without recording (see keys.ts).
 * Runs past maxmemory (allow-oom): a payment a processor has must reach the books.
 * Replies per payment: 1 recorded, 0 already recorded, -1 no longer ours, 2 released as pruned.
 */
export const recordScript = new Script(
  'record',
  `#!lua flags=allow-oom
local bucketMs, retention = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 6 do
  local id, p, ms, cents, entry, acceptedAt = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local fresh = -1
  if redis.call('LREM', KEYS[2], 1, entry) == 1 then
    if tonumber(ms) + retention < tonumber(acceptedAt) then
      fresh = 2
      redis.call('HDEL', KEYS[13], id)
    else
      fresh = redis.call('HSETNX', KEYS[1], id, p .. '|' .. ms .. '|' .. cents)
    end
  end
  if fresh == 1 then
    local k = p == 'default' and 5 or 9
    local bucket = math.floor(tonumber(ms) / bucketMs)
    redis.call('ZADD', KEYS[k], ms, id .. '|' .. cents)
    redis.call('HINCRBY', KEYS[k + 1], bucket, 1)
    redis.call('HINCRBY', KEYS[k + 2], bucket, cents)
    redis.call('HINCRBY', KEYS[k + 3], 'count', 1)
    redis.call('HINCRBY', KEYS[k + 3], 'cents', cents)
  end
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  out[#out + 1] = fresh
end
return out
`,
);

export interface LedgerEntry {
  processor: Processor;
  requestedAtMs: number;
  cents: number;
}

export interface Processed {
  payment: QueuedPayment;
  entry: LedgerEntry;
}

/** Default IDEMPOTENCY_RETENTION: 24 h. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;

/** KEYS[5..12] of the record script: log, bucket counts, bucket cents and totals, default then fallback. */
const LEDGER_KEYS = PROCESSORS.flatMap((p) => [keys.log(p), keys.bucketCount(p), keys.bucketCents(p), keys.total(p)]);

/**
 * Records a batch; per payment, false when it was already recorded (or released
 * as pruned, see above) or is no longer this worker's.
 */
export async function record(redis: RedisConnection, worker: string, batch: readonly Processed[], retentionMs = IDEMPOTENCY_RETENTION_MS): Promise<boolean[]> {
  const args: (string | number)[] = [BUCKET_MS, retentionMs];
  for (const { payment, entry } of batch) args.push(payment.id, entry.processor, entry.requestedAtMs, entry.cents, payment.entry, payment.acceptedAtMs);
  const reply = (await recordScript.run(redis, [keys.done, keys.inflight(worker), keys.attempts, keys.settling, ...LEDGER_KEYS, keys.accepted], args)) as number[];
  return reply.map((fresh) => fresh === 1);
}

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
