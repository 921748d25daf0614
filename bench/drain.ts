/**
 * `make bench-worker`: how fast the worker drains a backlog, and what it costs.
 * A real redis-server, one processor simulator (its own process, 20 ms delay: the
 * contest's recovery stage) and the built worker with the compose file's command,
 * environment and CPU/memory limits (a cgroup), per transport. N payments are
 * queued and released once the worker is up; the clock and the worker's CPU
 * (user + system, from /proc) run from then until the ledger holds them all.
 * RATE=300 has the payments arrive at that rate instead (the steady state of a
 * contest run): the worker's CPU per payment when each is taken on its own.
 * After each worker row, the same transport alone posting as many
 * payments in the same cgroup (bench/transport-alone.ts).
 *   PAYMENTS=6000 DELAY_MS=20 TRANSPORTS=http,fetch [WORKER_FLAGS=...] node --import tsx bench/drain.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createGroup, groupThrottled, removeGroup } from './standin/local/cgroups.ts';
import { readCompose, services, substitute } from './standin/local/compose.ts';
import { cpuSeconds, rssBytes, waitUntil } from './standin/local/procs.ts';
import { ProcessorClient } from '../src/processor/client.ts';
import { RedisConnection } from '../src/redis/connection.ts';
import { parseRedisUrl } from '../src/redis/url.ts';
import { holdBackQueue, ledgeredCount, releaseQueue } from '../src/store/inspect.ts';
import { enqueue } from '../src/store/queue.ts';
import { loadScripts } from '../src/store/scripts.ts';
import { commandStats } from '../src/store/server.ts';
import { hasHeartbeat } from '../src/store/workers.ts';
import { freePort, startRedis } from '../src/testing/redis-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const payments = Number(process.env.PAYMENTS ?? 6000);
const delayMs = Number(process.env.DELAY_MS ?? 20);
const transports = (process.env.TRANSPORTS ?? 'http,fetch').split(',');
/** RATE: payments arrive at this many per second while the worker runs (a contest run's steady state), instead of a backlog. */
const rate = process.env.RATE === undefined ? null : Number(process.env.RATE);

const spec = services(readCompose(join(ROOT, 'deploy/docker-compose.yml'))).find((s) => s.name === 'worker')!;

async function startSimulator(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/standin/processor/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: String(port), TRANSACTION_FEE: '0.05' }, stdio: 'ignore' });
  const processor = new ProcessorClient('default', `http://127.0.0.1:${port}`, 'http', 1, '123');
  try {
    await waitUntil('the simulator', () => processor.health(1000).then(() => true, () => false), 10_000);
    await processor.configure('delay', delayMs);
  } finally {
    processor.close();
  }
  return child;
}

/** The worker's cgroup: the compose file's limits, or WORKER_CPUS ("none": unlimited). */
function workerGroup(): { group: ReturnType<typeof createGroup>; cpus: number | null } {
  const cpus = process.env.WORKER_CPUS === undefined ? spec.cpus : process.env.WORKER_CPUS === 'none' ? null : Number(process.env.WORKER_CPUS);
  return { group: createGroup(`rinha-drain-${process.pid}`, { cpus, memoryBytes: spec.memoryBytes }), cpus };
}

/** The worker's node flags: the compose file's, or WORKER_FLAGS to compare (e.g. "--max-old-space-size=48"). */
function nodeFlags(): string[] {
  const flags = spec.command.slice(1, -1);
  return process.env.WORKER_FLAGS === undefined ? flags : process.env.WORKER_FLAGS.split(' ').filter(Boolean);
}

function row(what: string, transport: string, cpus: number | null, group: ReturnType<typeof createGroup>, seconds: number, cpu: number, rss: string): string {
  const throttled = 'dirs' in group ? (groupThrottled(group.dirs) ?? 0) : 0;
  const quota = 'dirs' in group && cpus !== null ? `${cpus} CPU` : 'none';
  return `| ${what} | ${transport.padEnd(5)} | ${payments} | ${quota} | ${seconds.toFixed(2)} s | ${Math.round(payments / seconds)} | ${Math.round((cpu * 1e6) / payments)} µs | ${rss} | ${throttled} |`;
}

/** Queues PAYMENTS payments at `perSecond`, in 5 ms steps. */
async function arrive(redis: RedisConnection, perSecond: number): Promise<void> {
  const startedAt = Date.now();
  for (let sent = 0; sent < payments; await sleep(5)) {
    const due = Math.min(payments, Math.ceil(((Date.now() - startedAt) / 1000) * perSecond));
    const batch: Promise<unknown>[] = [];
    for (; sent < due; sent++) batch.push(enqueue(redis, randomUUID(), 1990, Date.now()));
    await Promise.all(batch);
  }
}

/** The worker draining the backlog: the clock and its CPU run from the release of the queue until the ledger holds all. */
async function drain(transport: string, simUrl: string): Promise<string> {
  const redisServer = await startRedis();
  const redis = new RedisConnection({ address: parseRedisUrl(redisServer.url) });
  await redis.waitReady(5000);
  // As the API and the worker do at start: the first enqueues need no EVAL fallback (DEBUG_STATS counted 500 NOSCRIPT).
  await loadScripts(redis);
  if (rate === null) {
    for (let i = 0; i < payments; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, payments - i) }, () => enqueue(redis, randomUUID(), 1990, Date.now())));
    }
    // The backlog is set aside until the worker is up, so start-up is not counted.
    await holdBackQueue(redis);
  }
  // No journal: the backlog is queued in Redis directly, the worker only drains it.
  const vars = { ...process.env, REDIS_URL: redisServer.url, DEFAULT_PROCESSOR_URL: simUrl, FALLBACK_PROCESSOR_URL: simUrl, PROCESSOR_TRANSPORT: transport, JOURNAL_DIR: '' };
  const env = Object.fromEntries(Object.entries(spec.environment).map(([k, v]) => [k, substitute(v, vars)]));
  delete env.READY_FILE;
  const { group, cpus } = workerGroup();
  const [cmd, ...rest] = spec.command;
  const worker = spawn(cmd === 'node' ? process.execPath : cmd!, [...nodeFlags(), rest.at(-1)!], { cwd: ROOT, env: { ...process.env, ...env, PROCESSOR_TRANSPORT: transport }, stdio: ['ignore', 'inherit', 'inherit'] });
  if ('procs' in group) for (const file of group.procs) writeFileSync(file, String(worker.pid));
  await waitUntil('the worker heartbeat', () => hasHeartbeat(redis, env.INSTANCE ?? 'worker'), 10_000);
  const cpuAtStart = cpuSeconds(worker.pid!) ?? NaN;
  const startedAt = Date.now();
  const arrivals = rate === null ? releaseQueue(redis) : arrive(redis, rate);
  let peakRss = 0;
  const done = async () => {
    peakRss = Math.max(peakRss, rssBytes(worker.pid!) ?? 0);
    return (await ledgeredCount(redis, 'default')) >= payments;
  };
  await arrivals;
  await waitUntil(`${payments} payments in the ledger`, done, 120_000);
  const seconds = (Date.now() - startedAt) / 1000;
  if (process.env.DEBUG_STATS) console.log((await commandStats(redis)).split('\n').filter((l) => /calls=\d{3,}/.test(l)).join('\n'));
  const cpu = (cpuSeconds(worker.pid!) ?? NaN) - cpuAtStart;
  const result = row(rate === null ? 'worker' : `worker, ${rate}/s arriving`, transport, cpus, group, seconds, cpu, `${(peakRss / 2 ** 20).toFixed(1)} MB`);
  worker.kill('SIGTERM');
  await once(worker, 'exit');
  if ('dirs' in group) removeGroup(group.dirs);
  await redis.close();
  await redisServer.stop();
  return result;
}

/**
 * Beside the row above: the same transport posting as many payments,
 * as many at a time, with the same flags in the same cgroup, and nothing else
 * (bench/transport-alone.ts). What the worker costs beyond it is the queue, the ledger and the bookkeeping.
 */
async function transportAlone(transport: string, simUrl: string): Promise<string> {
  const concurrency = Number(substitute(spec.environment.HTTP_CONNECTION_LIMIT_PER_HOST ?? '100', process.env));
  const { group, cpus } = workerGroup();
  const child = spawn(process.execPath, [...nodeFlags(), 'bench/transport-alone.ts'], {
    cwd: ROOT,
    env: { ...process.env, URL: simUrl, PAYMENTS: String(payments), CONCURRENCY: String(concurrency), TRANSPORT: transport },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if ('procs' in group) for (const file of group.procs) writeFileSync(file, String(child.pid));
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`bench/transport-alone.ts exited with ${code}`);
  const { seconds, cpuSeconds: cpu } = JSON.parse(out) as { seconds: number; cpuSeconds: number };
  const result = row('client alone', transport, cpus, group, seconds, cpu, '');
  if ('dirs' in group) removeGroup(group.dirs);
  return result;
}

console.log(`worker drain: ${payments} queued payments, processor delay ${delayMs} ms, ${process.version}\n`);
console.log('| what | transport | payments | worker quota | drain time | payments/s | CPU per payment | peak RSS | throttled |');
console.log('|---|---|---|---|---|---|---|---|---|');
const simPort = await freePort();
const sim = await startSimulator(simPort);
const simUrl = `http://127.0.0.1:${simPort}`;
try {
  for (const t of transports) {
    console.log(await drain(t, simUrl));
    // The client alone posts a backlog: it has no steady-state counterpart.
    if (rate === null) console.log(await transportAlone(t, simUrl));
  }
} finally {
  sim.kill('SIGTERM');
}
