/**
 * `make bench-worker`: how fast the worker drains a backlog, and what it costs.
 * A real redis-server, one processor simulator (its own process, 20 ms delay: the
 * contest's recovery stage) and the built worker with the compose file's command,
 * environment and CPU/memory limits (a cgroup), per transport. N payments are
 * queued and released once the worker is up; the clock and the worker's CPU
 * (user + system, from /proc) run from then until the ledger holds them all.
 *   PAYMENTS=6000 DELAY_MS=20 TRANSPORTS=http,fetch [WORKER_FLAGS=...] node --import tsx bench/drain.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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
import { commandStats } from '../src/store/server.ts';
import { hasHeartbeat } from '../src/store/workers.ts';
import { freePort, startRedis } from '../src/testing/redis-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const payments = Number(process.env.PAYMENTS ?? 6000);
const delayMs = Number(process.env.DELAY_MS ?? 20);
const transports = (process.env.TRANSPORTS ?? 'http,fetch').split(',');

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

async function run(transport: string): Promise<string> {
  const redisServer = await startRedis();
  const redis = new RedisConnection({ address: parseRedisUrl(redisServer.url) });
  await redis.waitReady(5000);
  const simPort = await freePort();
  const sim = await startSimulator(simPort);
  for (let i = 0; i < payments; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, payments - i) }, () => enqueue(redis, randomUUID(), 1990, Date.now())));
  }
  // The backlog is set aside until the worker is up, so start-up is not counted.
  await holdBackQueue(redis);
  const url = `http://127.0.0.1:${simPort}`;
  const vars = { ...process.env, REDIS_URL: redisServer.url, DEFAULT_PROCESSOR_URL: url, FALLBACK_PROCESSOR_URL: url, PROCESSOR_TRANSPORT: transport };
  const env = Object.fromEntries(Object.entries(spec.environment).map(([k, v]) => [k, substitute(v, vars)]));
  delete env.READY_FILE;
  // WORKER_CPUS overrides the compose quota ("none": unlimited), to see what a quota costs.
  const cpus = process.env.WORKER_CPUS === undefined ? spec.cpus : process.env.WORKER_CPUS === 'none' ? null : Number(process.env.WORKER_CPUS);
  const group = createGroup(`rinha-drain-${process.pid}`, { cpus, memoryBytes: spec.memoryBytes });
  // WORKER_FLAGS replaces the compose file's node flags, to compare them (e.g. "--max-old-space-size=48").
  const [cmd, ...rest] = spec.command;
  const script = rest.at(-1)!;
  const args = process.env.WORKER_FLAGS === undefined ? rest : [...process.env.WORKER_FLAGS.split(' ').filter(Boolean), script];
  const worker = spawn(cmd === 'node' ? process.execPath : cmd!, args, { cwd: ROOT, env: { ...process.env, ...env, PROCESSOR_TRANSPORT: transport}, stdio: ['ignore', 'inherit', 'inherit'] });
  if ('procs' in group) for (const file of group.procs) writeFileSync(file, String(worker.pid));
  await waitUntil('the worker heartbeat', () => hasHeartbeat(redis, env.INSTANCE ?? 'worker'), 10_000);
  const cpuAtStart = cpuSeconds(worker.pid!) ?? NaN;
  await releaseQueue(redis);
  const startedAt = Date.now();
  let peakRss = 0;
  const done = async () => {
    peakRss = Math.max(peakRss, rssBytes(worker.pid!) ?? 0);
    return (await ledgeredCount(redis, 'default')) >= payments;
  };
  await waitUntil(`${payments} payments in the ledger`, done, 120_000);
  const seconds = (Date.now() - startedAt) / 1000;
  if (process.env.DEBUG_STATS) console.log((await commandStats(redis)).split('\n').filter((l) => /calls=\d{3,}/.test(l)).join('\n'));
  const cpu = (cpuSeconds(worker.pid!) ?? NaN) - cpuAtStart;
  const throttled = 'dirs' in group ? (groupThrottled(group.dirs) ?? 0) : 0;
  worker.kill('SIGTERM');
  await once(worker, 'exit');
  if ('dirs' in group) removeGroup(group.dirs);
  sim.kill('SIGTERM');
  await redis.close();
  await redisServer.stop();
  const quota = 'dirs' in group && cpus !== null ? `${cpus} CPU` : 'none';
  return `| ${transport.padEnd(5)} | ${payments} | ${quota} | ${seconds.toFixed(2)} s | ${Math.round(payments / seconds)} | ${Math.round((cpu * 1e6) / payments)} µs | ${(peakRss / 2 ** 20).toFixed(1)} MB | ${throttled} |`;
}

console.log(`worker drain: ${payments} queued payments, processor delay ${delayMs} ms, ${process.version}\n`);
console.log('| transport | payments | worker quota | drain time | payments/s | worker CPU per payment | worker peak RSS | throttled |');
console.log('|---|---|---|---|---|---|---|---|');
for (const t of transports) console.log(await run(t));
