import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU and memory limits for local processes, the way Docker applies them:
 * a cgroup per service with a CFS quota (cpus * period), a memory limit and,
 * when given, the CPUs it may run on. Works with cgroup v1 (cpu, memory and
 * cpuset hierarchies) and v2 (unified).
 */
export interface Limits {
  cpus: number | null;
  memoryBytes: number | null;
  /** Relative weight when CPUs are contended (Docker's cpu_shares; default 1024). */
  cpuShares?: number | null;
  /** The CPUs the processes may run on (Docker's cpuset, e.g. "1" or "0-1"); null: any. */
  cpuset?: string | null;
}

export interface Group {
  /** cgroup.procs files a process writes its pid into to join. */
  procs: string[];
  dirs: string[];
  applied: string;
}

const PERIOD_US = 100_000;

export function cgroupVersion(): 'v1' | 'v2' | null {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'v2';
  if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') || existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) return 'v1';
  return null;
}

/** This process's own cgroup in a hierarchy, so groups nest inside whatever limits us. */
function ownPath(controller: string | null): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, names, path] = line.split(':');
    if (path === undefined) continue;
    if (controller === null ? names === '' : names!.split(',').includes(controller)) return path;
  }
  return '/';
}

/** Creates the group; returns null with the reason when the machine does not allow it. */
export function createGroup(name: string, limits: Limits): Group | { error: string } {
  const version = cgroupVersion();
  try {
    if (version === 'v1') return v1(name, limits);
    if (version === 'v2') return v2(name, limits);
    return { error: 'no cgroup filesystem at /sys/fs/cgroup' };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function v1(name: string, limits: Limits): Group {
  const cpuDir = join('/sys/fs/cgroup/cpu', ownPath('cpu'), name);
  const memDir = join('/sys/fs/cgroup/memory', ownPath('memory'), name);
  const applied: string[] = [];
  const dirs: string[] = [];
  if (limits.cpus !== null) {
    mkdirSync(cpuDir, { recursive: true });
    writeFileSync(join(cpuDir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(cpuDir, 'cpu.cfs_quota_us'), String(Math.round(limits.cpus * PERIOD_US)));
    dirs.push(cpuDir);
    applied.push(`cpu ${limits.cpus}`);
  }
  if (limits.cpuShares) {
    mkdirSync(cpuDir, { recursive: true });
    writeFileSync(join(cpuDir, 'cpu.shares'), String(limits.cpuShares));
    if (!dirs.includes(cpuDir)) dirs.push(cpuDir);
    applied.push(`shares ${limits.cpuShares}`);
  }
  if (limits.cpuset) {
    const setDir = join('/sys/fs/cgroup/cpuset', ownPath('cpuset'), name);
    mkdirSync(setDir, { recursive: true });
    // A v1 cpuset group starts with no CPUs and no memory nodes; a process cannot join it until both are set.
    writeFileSync(join(setDir, 'cpuset.mems'), readFileSync(join(setDir, '..', 'cpuset.mems'), 'utf8').trim());
    writeFileSync(join(setDir, 'cpuset.cpus'), limits.cpuset);
    dirs.push(setDir);
    applied.push(`cpuset ${limits.cpuset}`);
  }
  if (limits.memoryBytes !== null) {
    mkdirSync(memDir, { recursive: true });
    writeFileSync(join(memDir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    dirs.push(memDir);
    applied.push(`memory ${Math.round(limits.memoryBytes / 2 ** 20)}MB`);
  }
  return { procs: dirs.map((d) => join(d, 'cgroup.procs')), dirs, applied: `cgroup v1: ${applied.join(', ')}` };
}

function v2(name: string, limits: Limits): Group {
  const parent = join('/sys/fs/cgroup', ownPath(null));
  const dir = join(parent, name);
  // Controllers must be enabled for children; fails if the parent itself holds processes.
  const enabled = readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
  const wanted = ['cpu', 'memory', ...(limits.cpuset ? ['cpuset'] : [])].filter((c) => !enabled.includes(c));
  if (wanted.length > 0) writeFileSync(join(parent, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  mkdirSync(dir, { recursive: true });
  const applied: string[] = [];
  if (limits.cpus !== null) {
    writeFileSync(join(dir, 'cpu.max'), `${Math.round(limits.cpus * PERIOD_US)} ${PERIOD_US}`);
    applied.push(`cpu ${limits.cpus}`);
  }
  if (limits.cpuShares) {
    // Docker's conversion from cgroup v1 shares to v2 weight.
    writeFileSync(join(dir, 'cpu.weight'), String(Math.round(1 + ((limits.cpuShares - 2) * 9999) / 262142)));
    applied.push(`shares ${limits.cpuShares}`);
  }
  if (limits.cpuset) {
    writeFileSync(join(dir, 'cpuset.cpus'), limits.cpuset);
    applied.push(`cpuset ${limits.cpuset}`);
  }
  if (limits.memoryBytes !== null) {
    writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
    applied.push(`memory ${Math.round(limits.memoryBytes / 2 ** 20)}MB`);
  }
  return { procs: [join(dir, 'cgroup.procs')], dirs: [dir], applied: `cgroup v2: ${applied.join(', ')}` };
}

/** The CPUs the kernel runs on, as a list such as "0-1". */
export function onlineCpus(): string {
  return readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
}

/**
 * A cpuset names CPUs this machine has, as Docker requires ("1", "0-1", "0,2"):
 * a machine with one CPU cannot run a service pinned to CPU 1.
 */
export function checkCpuset(cpuset: string, online = onlineCpus()): void {
  const have = new Set(cpuList(online.trim()));
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(cpuset)) throw new Error(`cpuset: expected CPU numbers such as "1" or "0-1", got "${cpuset}"`);
  const missing = cpuList(cpuset).filter((cpu) => !have.has(cpu));
  if (missing.length > 0) throw new Error(`cpuset: CPU ${missing.join(', ')} of "${cpuset}" is not online here (online: ${online.trim()})`);
}

function cpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
  });
}

export function removeGroup(dirs: string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      // still has a process in it, or already gone
    }
  }
}

/** Times the group was throttled by its CPU quota. */
export function groupThrottled(dirs: string[]): number | null {
  for (const dir of dirs) {
    const file = join(dir, 'cpu.stat');
    if (!existsSync(file)) continue;
    const m = /nr_throttled (\d+)/.exec(readFileSync(file, 'utf8'));
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * The most memory the group has been charged since it was created, or since
 * resetGroupMemoryPeak (v1 memory.max_usage_in_bytes, v2 memory.peak): what the
 * memory limit is held against, unlike RSS, which also counts the shared file
 * pages of the binary.
 */
export function groupMemoryPeak(dirs: string[]): number | null {
  for (const dir of dirs) {
    for (const name of ['memory.max_usage_in_bytes', 'memory.peak']) {
      const file = join(dir, name);
      if (existsSync(file)) return Number(readFileSync(file, 'utf8').trim());
    }
  }
  return null;
}

/**
 * Starts the group's peak over from its current usage, so that a benchmark run
 * reports its own peak, not one of an earlier run on the same stack. cgroup v1
 * only (writing memory.max_usage_in_bytes); v2's memory.peak resets per open
 * file, so there the peak stays the one since the group was created. Returns
 * whether it did.
 */
export function resetGroupMemoryPeak(dirs: string[]): boolean {
  for (const dir of dirs) {
    const file = join(dir, 'memory.max_usage_in_bytes');
    if (!existsSync(file)) continue;
    try {
      writeFileSync(file, '0');
      return true;
    } catch {
      return false;
    }
  }
  return false;
}
