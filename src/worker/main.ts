import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../config.ts';
import { log } from '../log.ts';
import { exitOnStartupError, onShutdown } from '../process.ts';
import { RedisConnection } from '../redis/connection.ts';
import { keys } from '../store/keys.ts';
import { Gate } from './gate.ts';
import { HealthMonitor } from './health.ts';
import { takeScript, Worker } from './worker.ts';
import { LedgerWriter, recordScript } from '../ledger/record.ts';
import { ProcessorClient } from '../processor/client.ts';
import { foldScript, pruneScript, Retention } from '../ledger/retention.ts';
import { pastLimitScripts, setPastLimit } from '../store/past-limit.ts';

/** The worker process: forwards queued payments to the processors and writes the ledger. */
try {
  const config = loadWorkerConfig();
  log.configure(config.logLevel, `worker ${config.workerId}`);
  const redis = new RedisConnection({ address: config.redis, healthCheckMs: config.redisHealthCheckMs });
  // Blocking pops get their own connection so they never hold up other commands.
  const blocking = new RedisConnection({ address: config.redis, offlineQueueLimit: 0 });
  await Promise.all([redis.waitReady(10_000), blocking.waitReady(10_000)]);
  await Promise.all([takeScript, recordScript, foldScript, pruneScript, ...pastLimitScripts].map((script) => script.load(redis)));

  const gate = () => new Gate(config.httpConnectionLimitPerHost, config.backoffBaseMs, config.backoffMaxMs);
  const gates = { default: gate(), fallback: gate() };
  const client = (p: 'default' | 'fallback') => new ProcessorClient(p, config.processors[p], config.transport, config.httpConnectionLimitPerHost);
  const clients = { default: client('default'), fallback: client('fallback') };
  const health = new HealthMonitor(redis, clients, config.workerId, (p, report) => {
    if (!report.failing) gates[p].recovered();
  });
  // The heartbeat is this worker's lease on its in-flight list: once it has been gone for
  // ORPHAN_AFTER another worker adopts the list, so this one stops calling processors
  // after half that time without renewing it (a pause, or Redis out of reach).
  const leaseMs = config.orphanAfterMs || 5_000;
  let renewedAt = Date.now();
  const assertLease = () => {
    if (config.orphanAfterMs === 0 || Date.now() - renewedAt <= config.orphanAfterMs / 2) return;
    process.stderr.write(`worker ${config.workerId}: heartbeat not renewed for ${Math.round((Date.now() - renewedAt) / 1000)} s; exiting so that its payments are resumed once, elsewhere or at restart\n`);
    process.exit(1);
  };
  let purges = Number(await redis.send(['GET', keys.purges]));
  const worker = new Worker({ redis, config, gates, clients, ledger: new LedgerWriter(redis, config.workerId, { retentionMs: config.idempotencyRetentionMs }), health, purged: new Set(), assertLease }, blocking);
  health.start();
  const retention = new Retention(redis, { detailMs: config.ledgerDetailRetentionMs, idempotencyMs: config.idempotencyRetentionMs });
  retention.start();

  // Heartbeat: the consistency report lists live workers; READY_FILE serves container health checks.
  const readyFile = process.env.READY_FILE;
  let leaseHeld = false;
  const beat = async () => {
    // A lapsed lease is never renewed: after a long pause (SIGSTOP, a stalled VM) the
    // heartbeat timer may fire before any processor call would have checked it.
    assertLease();
    const sentAt = Date.now();
    const value = JSON.stringify({ pid: process.pid, inProgress: worker.inProgress, atMs: sentAt });
    const [renewed, purged] = await Promise.all([
      setPastLimit(redis, keys.worker(config.workerId), value, 'PX', leaseMs, ...(leaseHeld ? ['XX'] : [])),
      redis.send(['GET', keys.purges]),
    ]);
    if (renewed !== 'OK' && config.orphanAfterMs > 0) {
      process.stderr.write(`worker ${config.workerId}: heartbeat expired in Redis; exiting so that its payments are resumed once, elsewhere or at restart\n`);
      process.exit(1);
    }
    leaseHeld = true;
    renewedAt = sentAt;
    if (Number(purged) !== purges) {
      purges = Number(purged);
      await worker.dropPurged();
    }
    if (readyFile) writeFileSync(readyFile, String(Date.now()));
  };
  await beat();
  // Renewed ten times per lease (at most every second): a few late beats never trip the lease.
  const beatEveryMs = config.orphanAfterMs ? Math.min(1_000, Math.max(100, config.orphanAfterMs / 10)) : 1_000;
  setInterval(() => beat().catch((err) => log.warn('heartbeat failed', err)), beatEveryMs).unref();

  onShutdown(async () => {
    health.stop();
    retention.stop();
    blocking.disconnect();
    await worker.stop();
    clients.default.close();
    clients.fallback.close();
    await redis.close();
  });
  log.info(`forwarding to ${config.processors.default} and ${config.processors.fallback} (${config.routingPolicy})`);
  await worker.run();
} catch (err) {
  exitOnStartupError(err);
}
