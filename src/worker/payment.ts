import type { WorkerConfig } from '../config.ts';
import type { LedgerEntry, LedgerWriter } from '../ledger/record.ts';
import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { keys, type Processor, type QueuedPayment } from '../store/keys.ts';
import type { ProcessorClient } from '../processor/client.ts';
import { GateClosed, sleep, type Gate } from './gate.ts';
import type { HealthMonitor } from './health.ts';
import { choose } from './routing.ts';

export interface WorkerContext {
  redis: RedisConnection;
  config: WorkerConfig;
  gates: Record<Processor, Gate>;
  clients: Record<Processor, ProcessorClient>;
  ledger: LedgerWriter;
  health: HealthMonitor;
  /** The purge counter as last read; a payment taken before it moved is dropped. */
  purges: { seen: number };
  /** Called before every call to a processor: exits when this worker's lease may have lapsed. */
  assertLease?: () => void;
}

/**
 * Takes one payment from "in flight" to "in the ledger", exactly once.
 *
 * `pinned` is the processor the payment may already have reached. Once a call's
 * outcome is uncertain, the payment never goes to the other processor: it is
 * settled with GET /payments/{id} on the same one, and re-sent there if absent
 * (a 422 on the re-send means the first call landed after all).
 */
export async function processPayment(ctx: WorkerContext, payment: QueuedPayment, pinned: Processor | null): Promise<void> {
  const { config } = ctx;
  // What the attempts hash says; no entry means "may have reached default" (see Worker.recover).
  let markedAt: Processor = pinned ?? 'default';
  let settle = pinned !== null; // ask the processor before sending again
  const purgesAtStart = ctx.purges.seen;

  for (;;) {
    const p: Processor = pinned ?? choose(config.routingPolicy, ctx.gates.default.consecutiveFailures, config.maxRetries, processorStates(ctx));
    const gate = ctx.gates[p];
    const client = ctx.clients[p];
    try {
      await gate.acquire();
    } catch (err) {
      // Shutting down: the payment stays in the in-flight list and resumes at the next start.
      if (err instanceof GateClosed) return;
      throw err;
    }
    if (ctx.purges.seen !== purgesAtStart) {
      gate.release();
      log.info(`payment ${payment.id} dropped: purged while in flight`);
      return;
    }
    try {
      if (settle) {
        ctx.assertLease?.();
        // A lookup that works says nothing about payments working: the gate stays as it is.
        const row = await client.lookup(payment.id, config.httpTimeoutMs);
        if (row) return await recordUntilStored(ctx, payment, { processor: p, requestedAtMs: row.requestedAtMs, cents: row.cents });
        settle = false;
      }
      if (markedAt !== p) {
        // Written before sending, so a worker killed mid-call restarts pinned here.
        // Only a move away from default costs a write: default is the implied pin.
        await ctx.redis.send(['HSET', keys.attempts, payment.id, p]);
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
          continue;
        case 'uncertain':
          // Pinned before anything else can fail: from here on it never leaves p.
          pinned = p;
          settle = true;
          gate.failed();
          log.info(`payment on ${p} uncertain (${outcome.reason}); settling there`);
          await ctx.redis.send(['HSET', keys.settling, payment.id, p]);
          continue;
        case 'failed':
          gate.failed();
          log.debug(`payment on ${p} failed (${outcome.reason})`);
          continue;
      }
    } catch (err) {
      // Redis or the settle lookup failed: nothing was decided, so try again after the pause.
      gate.failed();
      log.warn(`payment step on ${p} failed`, err);
    } finally {
      gate.release();
    }
  }
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
