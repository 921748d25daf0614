import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../config.ts';
import { log } from '../log.ts';
import { exitOnStartupError, onShutdown } from '../process.ts';
import { RedisConnection } from '../redis/connection.ts';
import { keys } from '../store/keys.ts';
import { Gate } from './gate.ts';
import { HealthMonitor } from './health.ts';
import { takeScript, Worker } from './worker.ts';
import { recordScript } from '../ledger/record.ts';

/** The worker process: forwards queued payments to the processors and writes the ledger. */
try {
  const config = loadWorkerConfig();
  log.configure(config.logLevel, `worker ${config.workerId}`);
  const redis = new RedisConnection({ address: config.redis, healthCheckMs: config.redisHealthCheckMs });
  // Blocking pops get their own connection so they never hold up other commands.
  const blocking = new RedisConnection({ address: config.redis, offlineQueueLimit: 0 });
  await Promise.all([redis.waitReady(10_000), blocking.waitReady(10_000)]);
  await Promise.all([takeScript, recordScript].map((script) => script.load(redis)));

  const gate = () => new Gate(config.httpConnectionLimitPerHost, config.backoffBaseMs, config.backoffMaxMs);
  const gates = { default: gate(), fallback: gate() };
  const health = new HealthMonitor(redis, config.processors, config.workerId, (p, report) => {
    if (!report.failing) gates[p].recovered();
  });
  const worker = new Worker({ redis, config, gates, health }, blocking);
  health.start();

  // Heartbeat: the consistency report lists live workers; READY_FILE serves container health checks.
  const readyFile = process.env.READY_FILE;
  const beat = async () => {
    await redis.send(['SET', keys.worker(config.workerId), JSON.stringify({ pid: process.pid, inProgress: worker.inProgress, atMs: Date.now() }), 'PX', 5_000]);
    if (readyFile) writeFileSync(readyFile, String(Date.now()));
  };
  await beat();
  setInterval(() => beat().catch((err) => log.warn('heartbeat failed', err)), 1_000).unref();

  onShutdown(async () => {
    health.stop();
    blocking.disconnect();
    await worker.stop();
    await redis.close();
  });
  log.info(`forwarding to ${config.processors.default} and ${config.processors.fallback} (${config.routingPolicy})`);
  await worker.run();
} catch (err) {
  exitOnStartupError(err);
}
