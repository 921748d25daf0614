import cluster from 'node:cluster';
import { chmodSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { loadApiConfig, type ApiConfig } from '../config.ts';
import { log } from '../log.ts';
import { RedisConnection } from '../redis/connection.ts';
import { createDrainableServer, withdrawSocketPath } from '../http/drain.ts';
import { createRouter } from './app.ts';
import { MemoryGuard } from './memory-guard.ts';
import { openJournal } from '../journal/open.ts';
import { loadScripts } from '../store/scripts.ts';
import { consistencyRoute } from '../consistency/route.ts';
import { exitOnStartupError, onShutdown } from '../process.ts';

/** Longer than nginx's upstream keepalive_timeout (2 s): see src/http/drain.ts. */
const DRAIN_GRACE_MS = 3_000;

/** An API instance: node:http on a port or unix socket, one pipelined Redis connection. */
async function start(config: ApiConfig): Promise<void> {
  const redis = new RedisConnection({
    address: config.redis,
    offlineQueueLimit: 0, // fail fast with a 503 rather than hold clients while Redis is away
    healthCheckMs: config.redisHealthCheckMs,
    batchSize: config.batchSize,
    // A frozen Redis must cost a client ~1 s and a 503, not a hung request holding memory.
    commandTimeoutMs: config.redisCommandTimeoutMs,
  });
  await redis.waitReady(10_000);
  await loadScripts(redis);
  const memory = new MemoryGuard(redis, config.memoryRefuseAt);
  await memory.start();
  // With a journal, POST /payments writes a file and answers; this process moves the lines into Redis every few ms.
  const journal = config.journalDir ? openJournal(redis, config.journalDir, config.instance, config.journalFlushMs) : null;
  const router = createRouter(redis, {
    instance: config.instance,
    memory,
    journal: journal?.writer,
    purgeToken: config.purgeToken,
    extend: (r) => r.on('GET', '/consistency-check', consistencyRoute(redis, config)),
  });
  // X-Instance tells which instance answered: for debugging and for the balancing test.
  const { server, drain } = createDrainableServer(
    (req, res) => {
      res.setHeader('X-Instance', config.instance);
      router.handle(req, res);
    },
    (req, res) => {
      res.setHeader('X-Instance', config.instance);
      router.checkContinue(req, res);
    },
  );
  await listen(server, config);
  log.info(`listening on ${config.socketPath ?? config.port}`);
  onShutdown(async () => {
    await drain(DRAIN_GRACE_MS);
    await journal?.close();
    memory.stop();
    await redis.close();
  });
}

function listen(server: http.Server, config: ApiConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`${config.socketPath ? 'SOCKET_PATH' : 'PORT'}: cannot listen on ${config.socketPath ?? config.port} (${err.code ?? err.message})`)),
    );
    if (config.socketPath) {
      // A socket file left by a killed process would make listen fail with EADDRINUSE.
      if (!cluster.isWorker) rmSync(config.socketPath, { force: true });
      server.listen(config.socketPath, () => {
        chmodSync(config.socketPath!, 0o666); // nginx runs as another user
        resolve();
      });
    } else {
      server.listen(config.port, resolve);
    }
  });
}

try {
  const config = loadApiConfig();
  log.configure(config.logLevel, `api ${config.instance}`);
  if (config.workers > 1 && cluster.isPrimary) {
    if (config.socketPath) rmSync(config.socketPath, { force: true });
    for (let i = 0; i < config.workers; i++) cluster.fork();
    cluster.on('exit', (worker, code) => {
      if (code !== 0) log.error(`process ${worker.process.pid} exited with ${code}`);
    });
    // Each process drains on its own (see src/http/drain.ts); the primary, which owns
    // the socket path, withdraws it first, then waits for them.
    onShutdown(async () => {
      if (config.socketPath) await withdrawSocketPath(config.socketPath);
      const workers = Object.values(cluster.workers ?? {});
      await Promise.all(workers.map((w) => new Promise((resolve) => (w!.isDead() ? resolve(null) : (w!.once('exit', resolve), w!.process.kill('SIGTERM'))))));
    });
  } else {
    await start(config);
  }
} catch (err) {
  exitOnStartupError(err);
}
