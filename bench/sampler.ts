import { join, resolve } from 'node:path';
import { RedisConnection } from '../src/redis/connection.ts';
import { parseRedisUrl } from '../src/redis/url.ts';
import { inflightLength, queueLength } from '../src/store/inspect.ts';
import { groupMemoryPeak, groupThrottled, resetGroupMemoryPeak } from './standin/local/cgroups.ts';
import { anonBytes, cpuSeconds, rssBytes } from './standin/local/procs.ts';
import { composeVariables, readCompose, services as composeServices, workerIds } from './standin/local/compose.ts';
import { REDIS_SOCKET, serviceProcesses } from './standin/local/state.ts';
import { hostShare, readCpuTicks, type CpuTicks } from './host-cpu.ts';
import { containerCpuSeconds, containerPids, socketInside, stackContainers } from './standin/docker/containers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MIN_CPU_SAMPLE_MS = 500;
const COMPOSE = readCompose(join(ROOT, 'deploy/docker-compose.yml'));
const NGINX_CPUSET = composeServices(COMPOSE).find((s) => s.name === 'nginx')?.cpuset ?? null;
/** The request path's one CPU (nginx's cpuset, shared with the APIs), or null when it has none or several. */
export const PATH_CPU = NGINX_CPUSET !== null && /^\d+$/.test(NGINX_CPUSET) ? Number(NGINX_CPUSET) : null;

/**
 * Samples during a benchmark: queue depth (queue + in-flight) every 100 ms from
 * Redis, and each service's RSS and CPU every second from /proc (nginx's workers
 * count toward nginx), plus how often its cgroup was CPU-throttled. Local services
 * are the processes make up started; with STACK=docker, every process of each
 * container (from its cgroup: docker stats understates Node's memory). And the
 * host's own CPU every second: how busy it was and how much the hypervisor stole,
 * in all and on the request path's CPU.
 */
interface Sampled {
  name: string;
  pids: () => number[];
  /** CPU seconds used so far, when known better than by summing the live processes. */
  cpuSeconds?: () => number | null;
  cgroupDirs: string[];
}

function sampledServices(): { services: Sampled[]; redisSocket: string } {
  if (process.env.STACK === 'docker') {
    const containers = stackContainers();
    const redis = containers.find((c) => c.name === 'redis');
    const order = ['redis', 'api1', 'api2', 'worker', 'nginx'];
    return {
      services: containers.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)).map((c) => ({ name: c.name, pids: () => containerPids(c), cpuSeconds: () => containerCpuSeconds(c), cgroupDirs: c.cgroupDirs })),
      // Redis listens only on a socket in the containers' shared volume: reach it through /proc.
      redisSocket: redis ? socketInside(redis, '/sockets/redis.sock') : '/nonexistent/redis.sock',
    };
  }
  return { services: serviceProcesses(), redisSocket: REDIS_SOCKET };
}

export interface Samples {
  queue: { tMs: number; depth: number }[];
  rss: { tMs: number; bytes: Record<string, number> }[];
  /** The anonymous part of each service's RSS (see anonBytes). */
  anon: { tMs: number; bytes: Record<string, number> }[];
  cpu: { tMs: number; percent: Record<string, number> }[];
  /** The whole machine, percent of all its CPUs (see host-cpu.ts). */
  host: { tMs: number; busy: number; steal: number }[];
  /** The CPU the compose file pins the request path to (nginx's cpuset), percent of it; empty when not pinned to one CPU. */
  pathCpu: { tMs: number; busy: number; steal: number }[];
  throttledStart: Record<string, number>;
  throttledEnd: Record<string, number>;
  /** CPU-seconds (user + system) each service used between start() and stop(). */
  cpuSeconds: Record<string, number>;
  /** Each service's cgroup memory peak between start() and stop() (since the group began on cgroup v2; see groupMemoryPeak); absent without a cgroup. */
  memoryPeak: Record<string, number>;
}

export class Sampler {
  readonly samples: Samples = { queue: [], rss: [], anon: [], cpu: [], host: [], pathCpu: [], throttledStart: {}, throttledEnd: {}, cpuSeconds: {}, memoryPeak: {} };
  private cpuAtStart = new Map<string, number>();
  private readonly redis: RedisConnection;
  private readonly services: Sampled[];
  /** Whose in-flight lists count toward the depth: the worker ids the compose file gives its workers. */
  private readonly workerIds = workerIds(COMPOSE, composeVariables(ROOT));
  private timers: NodeJS.Timeout[] = [];
  private lastCpu = new Map<string, number>();
  private lastAt = 0;
  private lastHost: CpuTicks | null = null;
  private lastPathCpu: CpuTicks | null = null;

  constructor(private readonly startMs: number) {
    const { services, redisSocket } = sampledServices();
    const url = process.env.REDIS_URL ?? `unix://${redisSocket}`;
    this.redis = new RedisConnection({ address: parseRedisUrl(url), offlineQueueLimit: 0 });
    this.services = services;
  }

  /** False when Redis is not reachable from here (a Docker stack on another host: no Redis port is published). */
  queueVisible = true;

  async start(): Promise<void> {
    await this.redis.waitReady(3000).catch((err: Error) => {
      this.queueVisible = false;
      console.log(`queue depth not sampled: ${err.message} (set REDIS_URL to reach the stack's Redis)`);
    });
    for (const s of this.services) {
      this.samples.throttledStart[s.name] = groupThrottled(s.cgroupDirs) ?? 0;
      resetGroupMemoryPeak(s.cgroupDirs);
    }
    this.sampleProcesses();
    this.cpuAtStart = new Map(this.lastCpu);
    this.timers.push(setInterval(() => void this.sampleQueue(), 100), setInterval(() => this.sampleProcesses(), 1000));
  }

  /** Queue + in-flight depth now; 0 when the queue is not visible from here. */
  async depth(): Promise<number> {
    if (!this.queueVisible) return 0;
    const [queued, ...inflight] = await Promise.all([queueLength(this.redis), ...this.workerIds.map((id) => inflightLength(this.redis, id))]);
    return queued + inflight.reduce((sum, n) => sum + n, 0);
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    this.sampleProcesses();
    for (const s of this.services) {
      this.samples.throttledEnd[s.name] = groupThrottled(s.cgroupDirs) ?? 0;
      this.samples.cpuSeconds[s.name] = (this.lastCpu.get(s.name) ?? 0) - (this.cpuAtStart.get(s.name) ?? 0);
      const memoryPeak = groupMemoryPeak(s.cgroupDirs);
      if (memoryPeak !== null) this.samples.memoryPeak[s.name] = memoryPeak;
    }
    if (this.queueVisible) await this.redis.close();
    else this.redis.disconnect();
  }

  private async sampleQueue(): Promise<void> {
    if (!this.queueVisible) return;
    const tMs = Date.now() - this.startMs;
    const depth = await this.depth().catch(() => -1);
    if (depth >= 0) this.samples.queue.push({ tMs, depth });
  }

  private sampleProcesses(): void {
    const now = Date.now();
    const bytes: Record<string, number> = {};
    const anon: Record<string, number> = {};
    const percent: Record<string, number> = {};
    for (const s of this.services) {
      const pids = s.pids();
      bytes[s.name] = pids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
      anon[s.name] = pids.reduce((sum, pid) => sum + (anonBytes(pid) ?? 0), 0);
      const cpu = s.cpuSeconds?.() ?? pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
      const previous = this.lastCpu.get(s.name);
      if (previous !== undefined && this.lastAt > 0) percent[s.name] = (100 * (cpu - previous)) / ((now - this.lastAt) / 1000);
      this.lastCpu.set(s.name, cpu);
    }
    // /proc counts CPU in 10 ms ticks: the short last interval (stop() comes at any
    // moment) would turn one tick into tens of percent. It still counts in cpuSeconds.
    const host = readCpuTicks();
    const pathCpu = PATH_CPU === null ? null : readCpuTicks(PATH_CPU);
    if (this.lastAt > 0 && now - this.lastAt >= MIN_CPU_SAMPLE_MS) {
      this.samples.cpu.push({ tMs: now - this.startMs, percent });
      const share = host && this.lastHost ? hostShare(this.lastHost, host) : null;
      if (share) this.samples.host.push({ tMs: now - this.startMs, ...share });
      const pathShare = pathCpu && this.lastPathCpu ? hostShare(this.lastPathCpu, pathCpu) : null;
      if (pathShare) this.samples.pathCpu.push({ tMs: now - this.startMs, ...pathShare });
    }
    this.lastHost = host;
    this.lastPathCpu = pathCpu;
    this.samples.rss.push({ tMs: now - this.startMs, bytes });
    this.samples.anon.push({ tMs: now - this.startMs, bytes: anon });
    this.lastAt = now;
  }
}
