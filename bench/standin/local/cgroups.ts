import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU and memory limits for local processes, the way Docker applies them:
 * a cgroup per service with a CFS quota (cpus * period) and a memory limit.
 * Works with cgroup v1 (cpu and memory hierarchies) and v2 (unified).
 */
export interface Limits {
  cpus: number | null;
  memoryBytes: number | null;
  /** Relative weight when CPUs are contended (Docker's cpu_shares; default 1024). */
  cpuShares?: number | null;
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
  const wanted = ['cpu', 'memory'].filter((c) => !readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').includes(c));
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
  if (limits.memoryBytes !== null) {
    writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
    applied.push(`memory ${Math.round(limits.memoryBytes / 2 ** 20)}MB`);
  }
  return { procs: [join(dir, 'cgroup.procs')], dirs: [dir], applied: `cgroup v2: ${applied.join(', ')}` };
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
