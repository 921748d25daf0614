import type { TransportKind } from './processor/transport.ts';
import { parseRedisUrl, type RedisAddress } from './redis/url.ts';

/**
 * Every setting comes from the environment, read once at start. A wrong value
 * stops the process with one line naming the variable and what was expected.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export type RoutingPolicy = 'default-only' | 'fallback-when-down';

/**
 * The original design's REDIS_MAX_CONNECTIONS is not read: no process has a pool to bound.
 * An API process keeps one connection and pipelines every command on it; the
 * worker keeps two (one for its blocking queue pop, one pipelined for the rest).
 */
export interface CommonConfig {
  instance: string;
  redis: RedisAddress;
  logLevel: LogLevel;
  redisHealthCheckMs: number;
  /** JOURNAL_DIR: payments are appended to segment files here and tailed into Redis; null: enqueued in Redis by the API. */
  journalDir: string | null;
}

export interface ApiConfig extends CommonConfig {
  port: number;
  socketPath: string | null;
  workers: number;
  batchSize: number;
  /** A Redis reply later than this drops the connection and answers 503 (REDIS_COMMAND_TIMEOUT). */
  redisCommandTimeoutMs: number;
  /** Enables the processor section of /consistency-check. */
  processors: ProcessorUrls | null;
  processorAdminToken: string | null;
  /** Unlocks /consistency-check?deep=1 and the payment ids in the report; null: deep mode off. */
  consistencyToken: string | null;
  /** When set, POST /purge-payments needs it in X-Purge-Token (PURGE_TOKEN); null: purge is open. */
  purgeToken: string | null;
  /** POST /payments answers 503 once Redis's used_memory passes this share of maxmemory (REDIS_MEMORY_REFUSE_AT, percent). */
  memoryRefuseAt: number;
  /** How often the API moves the lines it journaled into Redis (JOURNAL_FLUSH_INTERVAL); 0: never, the worker's tail does. */
  journalFlushMs: number;
}

export interface ProcessorUrls {
  default: string;
  fallback: string;
}

export interface WorkerConfig extends CommonConfig {
  processors: ProcessorUrls;
  batchSize: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  pollTimeoutSeconds: number;
  httpTimeoutMs: number;
  httpConnectionLimit: number;
  httpConnectionLimitPerHost: number;
  /** node:http (default) or native fetch towards the processors. */
  transport: TransportKind;
  routingPolicy: RoutingPolicy;
  workerId: string;
  lingerMs: number;
  /** Another worker's in-flight list is adopted once its heartbeat has been gone this long; 0 never. */
  orphanAfterMs: number;
  /** Ledger log members older than this are folded into per-millisecond totals (LEDGER_DETAIL_RETENTION). */
  ledgerDetailRetentionMs: number;
  /** `done`/`accepted` entries older than this are pruned (IDEMPOTENCY_RETENTION). */
  idempotencyRetentionMs: number;
  /** How often the worker reads the journal for lines no API moved (JOURNAL_POLL_INTERVAL). */
  journalPollMs: number;
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new Error(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** A duration given in seconds (the unit of every duration variable), returned in milliseconds. */
function secondsAsMs(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return Math.round(fallback * 1000);
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value < min || value > max) {
    throw new Error(`${name}: expected seconds from ${min} to ${max} (e.g. 0.5), got "${text}"`);
  }
  return Math.round(value * 1000);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = (name === 'LOG_LEVEL' ? text.toUpperCase() : text) as T;
  if (!allowed.includes(value)) throw new Error(`${name}: expected one of ${allowed.join(', ')}, got "${text}"`);
  return value;
}

function httpUrl(env: Env, name: string): string {
  const text = read(env, name);
  if (text === undefined) throw new Error(`${name}: required, expected a URL such as http://payment-processor-default:8080`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name}: expected an http:// URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name}: expected an http:// URL, got "${text}"`);
  return text.replace(/\/+$/, '');
}

function common(env: Env): CommonConfig {
  return {
    instance: read(env, 'INSTANCE') ?? 'unknown',
    // Throws naming REDIS_URL and the expected forms.
    redis: parseRedisUrl(read(env, 'REDIS_URL') ?? 'redis://redis:6379/0'),
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', 'WARNING', ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']),
    redisHealthCheckMs: secondsAsMs(env, 'REDIS_HEALTH_CHECK_INTERVAL', 30, 0, 3600),
    journalDir: read(env, 'JOURNAL_DIR') ?? null,
  };
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const base = common(env);
  const hasProcessors = read(env, 'DEFAULT_PROCESSOR_URL') !== undefined || read(env, 'FALLBACK_PROCESSOR_URL') !== undefined;
  return {
    ...base,
    port: integer(env, 'PORT', 8080, 0, 65535),
    socketPath: read(env, 'SOCKET_PATH') ?? null,
    workers: integer(env, 'WORKERS', 1, 1, 16),
    batchSize: integer(env, 'BATCH_SIZE', 10, 1, 10_000),
    redisCommandTimeoutMs: secondsAsMs(env, 'REDIS_COMMAND_TIMEOUT', 1, 0.05, 60),
    processors: hasProcessors ? { default: httpUrl(env, 'DEFAULT_PROCESSOR_URL'), fallback: httpUrl(env, 'FALLBACK_PROCESSOR_URL') } : null,
    processorAdminToken: read(env, 'PROCESSOR_ADMIN_TOKEN') ?? null,
    consistencyToken: read(env, 'CONSISTENCY_TOKEN') ?? null,
    purgeToken: read(env, 'PURGE_TOKEN') ?? null,
    memoryRefuseAt: integer(env, 'REDIS_MEMORY_REFUSE_AT', 90, 1, 100) / 100,
    journalFlushMs: secondsAsMs(env, 'JOURNAL_FLUSH_INTERVAL', 0.02, 0, 10),
  };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const base = common(env);
  const backoffBaseMs = secondsAsMs(env, 'BACKOFF_BASE', 0.5, 0.001, 60);
  const backoffMaxMs = secondsAsMs(env, 'BACKOFF_MAX', 2, 0.001, 600);
  if (backoffMaxMs < backoffBaseMs) throw new Error(`BACKOFF_MAX: expected at least BACKOFF_BASE (${backoffBaseMs / 1000} s), got "${read(env, 'BACKOFF_MAX')}"`);
  const httpConnectionLimit = integer(env, 'HTTP_CONNECTION_LIMIT', 100, 1, 10_000);
  return {
    ...base,
    processors: { default: httpUrl(env, 'DEFAULT_PROCESSOR_URL'), fallback: httpUrl(env, 'FALLBACK_PROCESSOR_URL') },
    batchSize: integer(env, 'BATCH_SIZE', 8, 1, 1000),
    maxRetries: integer(env, 'MAX_RETRIES', 3, 1, 1000),
    backoffBaseMs,
    backoffMaxMs,
    pollTimeoutSeconds: secondsAsMs(env, 'POLL_TIMEOUT', 5, 0.1, 60) / 1000,
    httpTimeoutMs: secondsAsMs(env, 'HTTP_TIMEOUT', 2.5, 0.05, 120),
    httpConnectionLimit,
    httpConnectionLimitPerHost: Math.min(httpConnectionLimit, integer(env, 'HTTP_CONNECTION_LIMIT_PER_HOST', 20, 1, 10_000)),
    transport: oneOf<TransportKind>(env, 'PROCESSOR_TRANSPORT', 'http', ['http', 'fetch']),
    routingPolicy: oneOf<RoutingPolicy>(env, 'ROUTING_POLICY', 'default-only', ['default-only', 'fallback-when-down']),
    workerId: read(env, 'WORKER_ID') ?? read(env, 'INSTANCE') ?? 'worker',
    lingerMs: integer(env, 'LINGER_MS', 0, 0, 1000),
    orphanAfterMs: secondsAsMs(env, 'ORPHAN_AFTER', 60, 0, 3600),
    ledgerDetailRetentionMs: secondsAsMs(env, 'LEDGER_DETAIL_RETENTION', 900, 1, 7 * 86400),
    idempotencyRetentionMs: secondsAsMs(env, 'IDEMPOTENCY_RETENTION', 86400, 1, 365 * 86400),
    journalPollMs: secondsAsMs(env, 'JOURNAL_POLL_INTERVAL', 1, 0.001, 60),
  };
}
