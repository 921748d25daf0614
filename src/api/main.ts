import cluster from 'node:cluster';
import { chmodSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadApiConfig, type ApiConfig } from '../config.ts';
import { log } from '../log.ts';
import { RedisConnection } from '../redis/connection.ts';
import { createRouter } from './app.ts';
import { exitOnStartupError, onShutdown } from '../process.ts';

/** An API instance: node:http on a port or unix socket, one pipelined Redis connection. */
async function start(config: ApiConfig): Promise<void> {
  const redis = new RedisConnection({
    address: config.redis,
    offlineQueueLimit: 0, // fail fast with a 503 rather than hold clients while Redis is away
    healthCheckMs: config.redisHealthCheckMs,
    batchSize: config.batchSize,
  });
  await redis.waitReady(10_000);
  const router = createRouter(redis, { instance: config.instance });
  const server = http.createServer({ keepAlive: true }, router.handle);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  await listen(server, config);
  log.info(`listening on ${config.socketPath ?? config.port}`);
  onShutdown(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
    cluster.on('exit', (worker, code) => log.error(`process ${worker.process.pid} exited with ${code}`));
  } else {
    await start(config);
  }
} catch (err) {
  exitOnStartupError(err);
}
