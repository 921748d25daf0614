import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../config.ts';
import { log } from '../log.ts';
import { exitOnStartupError, onShutdown } from '../process.ts';
import { RedisConnection } from '../redis/connection.ts';
import { loadScripts } from '../store/scripts.ts';
import { readPurges } from '../store/workers.ts';
import { Gate } from './gate.ts';
import { HealthMonitor } from './health.ts';
import { Lease, LeaseLost } from './lease.ts';
import { Worker } from './worker.ts';
import { LedgerWriter } from '../ledger/writer.ts';
import { ProcessorClient } from '../processor/client.ts';
import { Retention } from '../ledger/retention.ts';
import { JournalTail } from '../journal/tail.ts';

/** The worker process: forwards queued payments to the processors and writes the ledger. */
try {
  const config = loadWorkerConfig();
  log.configure(config.logLevel, `worker ${config.workerId}`);
  const redis = new RedisConnection({ address: config.redis, healthCheckMs: config.redisHealthCheckMs });
  // Blocking pops get their own connection so they never hold up other commands.
  const blocking = new RedisConnection({ address: config.redis, offlineQueueLimit: 0 });
  await Promise.all([redis.waitReady(10_000), blocking.waitReady(10_000)]);
  await loadScripts(redis);

  const gate = () => new Gate(config.httpConnectionLimitPerHost, config.backoffBaseMs, config.backoffMaxMs);
  const gates = { default: gate(), fallback: gate() };
  const client = (p: 'default' | 'fallback') => new ProcessorClient(p, config.processors[p], config.transport, config.httpConnectionLimitPerHost);
  const clients = { default: client('default'), fallback: client('fallback') };
  const health = new HealthMonitor(redis, clients, config.workerId, (p, report) => {
    if (!report.failing) gates[p].recovered();
  });
  // The heartbeat is this worker's lease on its in-flight list (lease.ts): a lost lease ends the process,
  // so that its payments are resumed once, by whoever adopts the list or at restart.
  const lease = new Lease({
    redis,
    workerId: config.workerId,
    orphanAfterMs: config.orphanAfterMs,
    onLost: (reason) => {
      process.stderr.write(`worker ${config.workerId}: ${reason}; exiting so that its payments are resumed once, elsewhere or at restart\n`);
      process.exit(1);
    },
  });
  let purges = await readPurges(redis);
  const ledger = new LedgerWriter(redis, config.workerId, { retentionMs: config.idempotencyRetentionMs });
  const worker = new Worker({ redis, config, gates, clients, ledger, health, purged: new Set(), assertLease: () => lease.check() }, blocking, lease);
  health.start();
  const retention = new Retention(redis, { detailMs: config.ledgerDetailRetentionMs, idempotencyMs: config.idempotencyRetentionMs });
  retention.start();
  // With JOURNAL_DIR the APIs append payments to files and move them into the queue themselves;
  // this worker's tail moves what they left (an API that died, or a Redis that was away).
  const tail = config.journalDir ? new JournalTail(redis, config.journalDir, { pollMs: config.journalPollMs }) : null;
  tail?.start();

  // Heartbeat: renews the lease, tells the consistency report this worker lives; READY_FILE serves container health checks.
  const readyFile = process.env.READY_FILE;
  const beat = async () => {
    const purged = await lease.renew(worker.inProgress);
    if (purged !== purges) {
      purges = purged;
      await worker.dropPurged();
    }
    if (readyFile) writeFileSync(readyFile, String(Date.now()));
  };
  await beat();
  setInterval(() => beat().catch((err) => (err instanceof LeaseLost ? undefined : log.warn('heartbeat failed', err))), lease.renewEveryMs).unref();

  onShutdown(async () => {
    health.stop();
    retention.stop();
    await tail?.stop();
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
