import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { adoptInflight, inflightOwners } from '../store/inflight.ts';
import { hasHeartbeat, renewHeartbeat } from '../store/workers.ts';

/** Thrown by Lease.check() once the lease is lost: no processor may be called for this worker's payments. */
export class LeaseLost extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LeaseLost';
  }
}

export interface LeaseOptions {
  redis: RedisConnection;
  workerId: string;
  /** ORPHAN_AFTER: how long a silent worker keeps its in-flight list; 0 disables adoption and the lease. */
  orphanAfterMs: number;
  /** Called once when the lease is lost, with why: the worker process exits there. */
  onLost: (reason: string) => void;
  /** The clock; Date.now unless a test moves time. */
  now?: () => number;
}

/**
 * A worker's lease on its in-flight list, both halves of it.
 *
 * Holding: the heartbeat key (src/store/workers.ts) lives ORPHAN_AFTER and is
 * renewed ten times per lease (at most every second) with SET XX, so a key that
 * expired is never silently written back. check() runs before every processor
 * call; the lease counts as lost once it was not renewed for half of ORPHAN_AFTER
 * (a pause, Redis out of reach) or a renewal found the key gone. A lost lease is
 * never renewed: after a long pause (SIGSTOP, a stalled VM) the heartbeat timer
 * may fire before any processor call would have checked it.
 *
 * Taking over: adoptOrphans() moves the in-flight list of a worker whose
 * heartbeat has expired into ours, atomically, to be resumed here as a restart
 * would resume it. Its owner stopped calling processors long before (at half
 * ORPHAN_AFTER), and the ledger records only payments still in the recording
 * worker's list: an adopted payment is never sent by two workers, nor recorded twice.
 */
export class Lease {
  /** The heartbeat key's time to live. */
  readonly ttlMs: number;
  /** How often renew() should run. */
  readonly renewEveryMs: number;
  private readonly now: () => number;
  private renewedAt: number;
  private held = false;
  private lost: string | null = null;

  constructor(private readonly options: LeaseOptions) {
    const after = options.orphanAfterMs;
    this.ttlMs = after || 5_000;
    this.renewEveryMs = after ? Math.min(1_000, Math.max(100, after / 10)) : 1_000;
    this.now = options.now ?? Date.now;
    this.renewedAt = this.now();
  }

  /** Throws LeaseLost (after telling onLost, once) when this worker may no longer call processors. */
  check(): void {
    if (this.lost === null) {
      const silentMs = this.now() - this.renewedAt;
      if (this.options.orphanAfterMs === 0 || silentMs <= this.options.orphanAfterMs / 2) return;
      this.lose(`heartbeat not renewed for ${Math.round(silentMs / 1000)} s`);
    }
    throw new LeaseLost(this.lost!);
  }

  /**
   * Renews the heartbeat (which also says how many payments are in progress) and
   * returns the purge counter read with it. Throws LeaseLost when the lease is lost.
   */
  async renew(inProgress: number): Promise<number> {
    this.check();
    const sentAt = this.now();
    const { renewed, purges } = await renewHeartbeat(this.options.redis, this.options.workerId, { pid: process.pid, inProgress, atMs: sentAt }, this.ttlMs, this.held);
    if (!renewed && this.options.orphanAfterMs > 0) {
      this.lose('heartbeat expired in Redis');
      throw new LeaseLost(this.lost!);
    }
    this.held = true;
    this.renewedAt = sentAt;
    return purges;
  }

  /**
   * Takes over the in-flight lists of workers whose heartbeat has expired, one
   * list at a time, handing each list's entries to `resume` before the next.
   */
  async adoptOrphans(resume: (entries: string[]) => Promise<void>): Promise<void> {
    const self = this.options.workerId;
    for (const owner of await inflightOwners(this.options.redis)) {
      if (owner === self || (await hasHeartbeat(this.options.redis, owner))) continue;
      const entries = await adoptInflight(this.options.redis, owner, self);
      if (entries.length === 0) continue;
      log.warn(`adopted ${entries.length} payments from worker ${owner}: its heartbeat expired`);
      await resume(entries);
    }
  }

  private lose(reason: string): void {
    this.lost = reason;
    this.options.onLost(reason);
  }
}
