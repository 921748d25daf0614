import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerConfig } from '../config.ts';
import type { LedgerWriter } from '../ledger/writer.ts';
import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { markSettling, pinAttempt } from '../store/inflight.ts';
import type { Processor, QueuedPayment } from '../store/keys.ts';
import type { LedgerEntry } from '../store/ledger.ts';
import type { ProcessorClient } from '../processor/client.ts';
import { GateClosed, type Gate } from './gate.ts';
import type { HealthMonitor } from './health.ts';
import { LeaseLost } from './lease.ts';
import { choose } from './routing.ts';

export interface WorkerContext {
  redis: RedisConnection;
  config: WorkerConfig;
  gates: Record<Processor, Gate>;
  clients: Record<Processor, ProcessorClient>;
  ledger: LedgerWriter;
  health: HealthMonitor;
  /** In-flight entries a purge removed from Redis: dropped before any further processor call. */
  purged: Set<string>;
  /** Called before every call to a processor: throws LeaseLost (the process exits) when this worker's lease may have lapsed (lease.ts). */
  assertLease?: () => void;
}

/**
 * Takes one payment from "in flight" to "in the ledger", exactly once.
 *
 * `pinned` is the processor the payment may already have reached. Once a call's
 * outcome is uncertain, the payment never goes to the other processor: it is
 * settled with GET /payments/{id} on the same one, and re-sent there if absent
 * (a 422 on the re-send means the first call landed after all). A payment that
 * got an answer such as 500 may still be held there (a processor or a gateway
 * that inserted before failing), so before it ever moves to the other processor
 * the last one is asked too.
 */
export async function processPayment(ctx: WorkerContext, payment: QueuedPayment, pinned: Processor | null): Promise<void> {
  const { config } = ctx;
  // What the attempts hash says; no entry means "may have reached default" (see Worker.recover).
  // null: unknown, since a write of it failed and may or may not have landed.
  let markedAt: Processor | null = pinned ?? 'default';
  let settle = pinned !== null; // ask the processor before sending again
  let sentTo: Processor | null = pinned; // a processor that may hold the payment
  let movingTo: Processor | null = null; // chosen before asking the last processor: go there once it said no
  let duplicateThenMissing = 0;

  for (;;) {
    const target: Processor = pinned ?? movingTo ?? choose(config.routingPolicy, ctx.gates.default.consecutiveFailures, config.maxRetries, processorStates(ctx));
    movingTo = null;
    // Moving away from a processor that may hold the payment: ask it first.
    const leaving = sentTo !== null && sentTo !== target;
    const p = leaving ? sentTo! : target;
    const gate = ctx.gates[p];
    const client = ctx.clients[p];
    try {
      await gate.acquire();
    } catch (err) {
      // Shutting down: the payment stays in the in-flight list and resumes at the next start.
      if (err instanceof GateClosed) return;
      throw err;
    }
    if (ctx.purged.delete(payment.entry)) {
      gate.release();
      log.info(`payment ${payment.id} dropped: purged while in flight`);
      return;
    }
    try {
      if (settle || leaving) {
        ctx.assertLease?.();
        // A lookup that works says nothing about payments working: the gate stays as it is.
        const row = await client.lookup(payment.id, config.httpTimeoutMs);
        if (row) return await recordUntilStored(ctx, payment, { processor: p, requestedAtMs: row.requestedAtMs, cents: row.cents });
        if (duplicateThenMissing > 0) await disagreementPause(ctx, payment, p, duplicateThenMissing);
        settle = false;
        if (leaving) {
          // Not there: go where the payment was headed. Choosing again now would see the last
          // processor's pause over (the lookup waited it out) and go back to it, for ever.
          sentTo = null;
          movingTo = target;
          continue;
        }
      }
      if (markedAt !== p) {
        // Written before sending, so a worker killed mid-call restarts pinned here.
        // Only a move away from default costs a write: default is the implied pin.
        markedAt = null;
        await pinAttempt(ctx.redis, payment.id, p);
        markedAt = p;
      }
      // After the attempts write: whoever adopts this payment later is pinned where it may go now.
      ctx.assertLease?.();
      const requestedAtMs = Date.now();
      const outcome = await client.pay(payment.id, payment.cents, requestedAtMs, config.httpTimeoutMs);
      switch (outcome.kind) {
        case 'ok':
          gate.succeeded();
          return await recordUntilStored(ctx, payment, { processor: p, requestedAtMs, cents: payment.cents });
        case 'duplicate':
          pinned = p;
          settle = true;
          duplicateThenMissing++;
          continue;
        case 'uncertain':
          // Pinned before anything else can fail: from here on it never leaves p.
          pinned = p;
          settle = true;
          gate.failed();
          log.info(`payment on ${p} uncertain (${outcome.reason}); settling there`);
          await markSettling(ctx.redis, payment.id, p);
          continue;
        case 'failed':
          gate.failed();
          if (outcome.mayHold) sentTo = p;
          log.debug(`payment on ${p} failed (${outcome.reason})`);
          continue;
      }
    } catch (err) {
      // The lease is lost: the payment is someone else's now (or a restart's); it must not be sent from here.
      if (err instanceof LeaseLost) return;
      // Redis or the settle lookup failed: nothing was decided, so try again after the pause.
      gate.failed();
      log.warn(`payment step on ${p} failed`, err);
    } finally {
      gate.release();
    }
  }
}

/**
 * The processor refused the payment as a duplicate (422), then said it holds no
 * such payment (404): its two answers disagree. Retrying at once would spin, so
 * each round waits longer (BACKOFF_BASE doubling up to BACKOFF_MAX).
 */
async function disagreementPause(ctx: WorkerContext, payment: QueuedPayment, p: Processor, rounds: number): Promise<void> {
  if (rounds === 1 || rounds % 20 === 0) log.warn(`${p} answered 422 (duplicate) for ${payment.id}, then 404 on lookup (${rounds} times); retrying with backoff`);
  await sleep(Math.min(ctx.config.backoffMaxMs, ctx.config.backoffBaseMs * 2 ** Math.min(rounds - 1, 20)));
}

function processorStates(ctx: WorkerContext) {
  const down = (p: Processor) => ctx.gates[p].isPaused || ctx.health.get(p)?.failing === true;
  return { default: { down: down('default') }, fallback: { down: down('fallback') } };
}

/** The processor has the payment: the ledger must get it too, however long Redis takes. */
async function recordUntilStored(ctx: WorkerContext, payment: QueuedPayment, entry: LedgerEntry): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.ledger.write({ payment, entry });
      return;
    } catch (err) {
      // Safe to repeat: the ledger refuses a second entry for the same id.
      log.error(`ledger write failed, retrying`, err);
      await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }
}
