import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { openJournal } from '../journal/open.ts';
import { createRouter } from '../api/app.ts';
import { MemoryGuard } from '../api/memory-guard.ts';
import { ProcessorClient, type ProcessorRow, type ProcessorTotals } from '../processor/client.ts';
import { RedisConnection } from '../redis/connection.ts';
import { parseRedisUrl } from '../redis/url.ts';
import { loadScripts } from '../store/scripts.ts';
import { startRedis, type TestRedis } from './redis-server.ts';
import { startSimulator, type TestSimulator } from './simulator.ts';

/**
 * Test helper: a real redis-server, two processor simulators (child processes,
 * see simulator.ts), an API server on a free port, and worker child processes
 * started on demand. Close it when done.
 */
export interface Stack {
  redis: RedisConnection;
  redisServer: TestRedis;
  api: string;
  processors: { default: Processor; fallback: Processor };
  startWorker(env?: Record<string, string>): Worker;
  pay(count: number, amount?: number): Promise<string[]>;
  close(): Promise<void>;
}

/** A simulator, through the service's own ProcessorClient (with the admin token). */
export interface Processor {
  url: string;
  configure(name: 'delay' | 'failure', value: number | boolean): Promise<void>;
  /** `query`: '' or '?from=...&to=...'. */
  summary(query?: string): Promise<ProcessorTotals>;
  payment(id: string): Promise<ProcessorRow | null>;
}

export interface Worker {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const TOKEN = '123';

export interface StackOptions {
  /** Redis's maxmemory, e.g. '2mb'; unset: unlimited. */
  maxmemory?: string;
  /** The API refuses new payments past this share of maxmemory (REDIS_MEMORY_REFUSE_AT / 100). */
  refuseAt?: number;
  /** How often the API reads Redis's memory figures (1 s in production). */
  memoryReadMs?: number;
  /** The API's PURGE_TOKEN; unset: purge is open. */
  purgeToken?: string;
  /** JOURNAL_DIR of the API and of every worker started; unset: the API enqueues in Redis. */
  journalDir?: string;
  /** The API's JOURNAL_FLUSH_INTERVAL in ms; 0: it never moves its lines, the worker's tail does. */
  journalFlushMs?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redisServer = await startRedis({ maxmemory: options.maxmemory });
  const redis = new RedisConnection({ address: parseRedisUrl(redisServer.url), offlineQueueLimit: 0 });
  await redis.waitReady(5000);
  await loadScripts(redis); // as the API process does at start
  const memory = new MemoryGuard(redis, options.refuseAt ?? 0.9, options.memoryReadMs ?? 1_000);
  await memory.start();
  const sims: TestSimulator[] = await Promise.all([
    startSimulator({ fee: 0.05, token: TOKEN, rateLimitSeconds: 5 }),
    startSimulator({ fee: 0.15, token: TOKEN, rateLimitSeconds: 5 }),
  ]);
  const server = http.createServer({ keepAlive: true });
  const journal = options.journalDir ? openJournal(redis, options.journalDir, 'test', options.journalFlushMs ?? 20, { syncEveryMs: 0 }) : null;
  createRouter(redis, { instance: 'test', memory, purgeToken: options.purgeToken, journal: journal?.writer }).attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workers: Worker[] = [];
  const processors = { default: client('default', sims[0]!.url), fallback: client('fallback', sims[1]!.url) };

  return {
    redis,
    redisServer,
    api,
    processors,
    startWorker(env = {}) {
      const worker = spawnWorker({
        REDIS_URL: redisServer.url,
        DEFAULT_PROCESSOR_URL: sims[0]!.url,
        FALLBACK_PROCESSOR_URL: sims[1]!.url,
        INSTANCE: 'w1',
        BACKOFF_BASE: '0.05',
        BACKOFF_MAX: '0.5',
        HTTP_TIMEOUT: '1',
        HTTP_CONNECTION_LIMIT: '64',
        HTTP_CONNECTION_LIMIT_PER_HOST: '32',
        LOG_LEVEL: 'WARNING',
        ...(options.journalDir ? { JOURNAL_DIR: options.journalDir } : {}),
        ...env,
      });
      workers.push(worker);
      return worker;
    },
    async pay(count, amount = 19.9) {
      const ids = Array.from({ length: count }, () => randomUUID());
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids.slice(i, i + 50).map(async (id) => {
            const res = await fetch(`${api}/payments`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ correlationId: id, amount }),
            });
            if (res.status !== 202) throw new Error(`POST /payments answered ${res.status}: ${await res.text()}`);
          }),
        );
      }
      return ids;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      memory.stop();
      await journal?.close();
      server.closeAllConnections();
      server.close();
      await redis.close();
      processors.default.close();
      processors.fallback.close();
      await Promise.all(sims.map((s) => s.stop()));
      await redisServer.stop();
    },
  };
}

function client(name: 'default' | 'fallback', url: string): Processor & { close(): void } {
  const processor = new ProcessorClient(name, url, 'http', 8, TOKEN);
  return {
    url,
    configure: (setting, value) => processor.configure(setting, value),
    summary(query = '') {
      const params = new URLSearchParams(query);
      return processor.adminSummary(params.get('from'), params.get('to'));
    },
    payment: (id) => processor.lookup(id, 5_000),
    close: () => processor.close(),
  };
}

function spawnWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
}

/** Polls until `check` returns true, or fails after timeoutMs with `what`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function backendSummary(api: string, query = ''): Promise<{ default: Totals; fallback: Totals }> {
  const res = await fetch(`${api}/payments-summary${query}`);
  if (!res.ok) throw new Error(`GET /payments-summary answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { default: Totals; fallback: Totals };
}

export interface Totals {
  totalRequests: number;
  totalAmount: number;
}
