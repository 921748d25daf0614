import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { isRedisError } from '../redis/errors.ts';
import { inflightEntries, pinnedProcessors } from '../store/inflight.ts';
import { decodeEntry, type Processor } from '../store/keys.ts';
import { isOutOfMemory } from '../store/past-limit.ts';
import { take, waitAndTake } from '../store/queue.ts';
import type { Lease } from './lease.ts';
import { processPayment, type WorkerContext } from './payment.ts';

/** How often an empty queue is polled while Redis is past maxmemory. */
const OOM_POLL_MS = 50;

/**
 * The worker's loop: keep up to HTTP_CONNECTION_LIMIT payments in progress,
 * taking them from the queue in batches, blocking on an empty queue.
 * Entries stay in the in-flight list until the ledger has them.
 */
export class Worker {
  private readonly active = new Map<string, Promise<void>>();
  private running = true;
  private slotFreed: (() => void) | null = null;
  private readonly id: string;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly blocking: RedisConnection,
    /** Adopts the payments of workers whose lease lapsed; null: never adopts. */
    private readonly lease: Lease | null = null,
  ) {
    this.id = ctx.config.workerId;
  }

  get inProgress(): number {
    return this.active.size;
  }

  async run(): Promise<void> {
    await this.recover();
    if (this.lease && this.ctx.config.orphanAfterMs > 0) {
      const adopt = setInterval(() => this.running && this.adoptOrphans().catch((err) => log.warn('adopting orphaned payments failed', err)), 5_000);
      adopt.unref();
    }
    const limit = this.ctx.config.httpConnectionLimit;
    const batch = Math.min(this.ctx.config.batchSize, limit);
    // The last take left the queue empty: the next one waits for a payment straight away.
    let drained = false;
    // An uncertain move may have landed entries in our in-flight list: owed until a recover() succeeds.
    let recoverOwed = false;
    while (this.running) {
      // Take a whole batch or nothing: one Redis round trip per batch, not one per freed slot.
      if (this.active.size > limit - batch) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      try {
        if (recoverOwed) {
          await this.recover();
          recoverOwed = false;
        }
        const free = limit - this.active.size;
        const taken: string[] = drained ? [] : await take(this.ctx.redis, this.id, free);
        const entries = taken.length === 0 && this.running ? await this.waitForPayments(free) : taken;
        drained = entries.length < free;
        for (const entry of entries) this.start(entry, null);
        // Gather payments for a moment instead of waking per payment: fewer wakeups
        // beside the API on a small machine, and batched Redis and processor calls.
        if (this.ctx.config.lingerMs > 0 && entries.length < this.ctx.config.batchSize) await sleep(this.ctx.config.lingerMs);
      } catch (err) {
        if (!this.running) break;
        log.warn('taking from the queue failed', err);
        await sleep(200);
        // Picked up at the next turn, and retried there until Redis answers: it may still be down now.
        if (isRedisError(err, 'UNCERTAIN')) recoverOwed = true;
      }
    }
  }

  /**
   * Waits for a payment (BLMOVE) and takes up to `count` - 1 queued behind it,
   * in one round trip: both commands leave in one write on the blocking
   * connection, and Redis runs the take as soon as the wait returns. When the
   * queue is mostly empty this halves the round trips per payment (measured:
   * ~120 µs of the worker's CPU each). Entries either command moved are started
   * whatever the other did: they are in our in-flight list.
   */
  private async waitForPayments(count: number): Promise<string[]> {
    const [waited, taken] = await Promise.allSettled([
      waitAndTake(this.blocking, this.id, this.ctx.config.pollTimeoutSeconds),
      take(this.blocking, this.id, count - 1),
    ]);
    const entries = [...(waited.status === 'fulfilled' && waited.value !== null ? [waited.value] : []), ...(taken.status === 'fulfilled' ? taken.value : [])];
    // Past maxmemory Redis refuses BLMOVE (a script cannot block), but the take still runs: poll.
    const outOfMemory = waited.status === 'rejected' && isOutOfMemory(waited.reason);
    const failure = taken.status === 'rejected' ? taken.reason : waited.status === 'rejected' && !outOfMemory ? waited.reason : null;
    if (failure !== null) {
      // Whatever moved is in our in-flight list: started before the failure is reported.
      for (const entry of entries) this.start(entry, null);
      throw failure;
    }
    if (outOfMemory && entries.length === 0) await sleep(OOM_POLL_MS);
    return entries;
  }

  /**
   * Stops taking new payments; payments waiting for a processor stay in the
   * in-flight list for the next start, calls already made are awaited and ledgered.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.slotFreed?.();
    for (const gate of Object.values(this.ctx.gates)) gate.close();
    while (this.active.size > 0) await Promise.all(this.active.values());
  }

  /**
   * Resumes entries left in this worker's in-flight list, pinned where they may
   * have been sent: the attempts hash names fallback; no entry means default
   * (written only when leaving default, to save a Redis write per payment).
   * Each is settled with GET /payments/{id} before anything is re-sent.
   */
  async recover(): Promise<void> {
    const entries = await inflightEntries(this.ctx.redis, this.id);
    const fresh = entries.filter((entry) => !this.active.has(entry));
    if (fresh.length === 0) return;
    log.warn(`recovering ${fresh.length} payments from the in-flight list of worker ${this.id}`);
    await this.resume(fresh);
  }

  /**
   * Takes over the in-flight lists of workers whose lease lapsed (ORPHAN_AFTER):
   * their payments are resumed here exactly as a restart would (see lease.ts).
   */
  async adoptOrphans(): Promise<void> {
    await this.lease?.adoptOrphans((entries) => this.resume(entries));
  }

  /**
   * After a purge: the payments in progress that are no longer in our in-flight
   * list were purged (taken before it); they are dropped before their next
   * processor call. Those taken after it are in the list and go on.
   */
  async dropPurged(): Promise<void> {
    // Only what was in progress before the list is read: a payment taken meanwhile on the
    // blocking connection, whose reply may be read first, is in the list, not purged.
    const inProgress = [...this.active.keys()];
    const listed = new Set(await inflightEntries(this.ctx.redis, this.id));
    let dropped = 0;
    for (const entry of inProgress) {
      if (listed.has(entry) || !this.active.has(entry)) continue;
      this.ctx.purged.add(entry);
      dropped++;
    }
    if (dropped > 0) log.warn(`purged while in flight: ${dropped} payments dropped from this worker`);
  }

  /** Starts entries already in our in-flight list, pinned where they may have been sent. */
  private async resume(entries: string[]): Promise<void> {
    const ids = entries.map((entry) => decodeEntry(entry)?.id ?? '');
    const pins = await pinnedProcessors(this.ctx.redis, ids);
    entries.forEach((entry, i) => this.start(entry, pins[i]!));
  }

  private start(entry: string, pinned: Processor | null): void {
    if (!this.running) return; // left in the in-flight list; resumed at the next start
    const payment = decodeEntry(entry);
    if (!payment) {
      log.error(`malformed queue entry left in the in-flight list of worker ${this.id}`);
      return;
    }
    const job = processPayment(this.ctx, payment, pinned)
      .catch((err) => log.error('payment processing stopped unexpectedly', err))
      .finally(() => {
        this.active.delete(entry);
        this.ctx.purged.delete(entry);
        const wake = this.slotFreed;
        this.slotFreed = null;
        wake?.();
      });
    this.active.set(entry, job);
  }
}
