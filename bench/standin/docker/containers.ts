import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Docker stack's containers seen from the host, for the benchmark's samples
 * and make ps. `docker stats` understates Node's memory (it subtracts page cache
 * and shows 11-26 MiB for processes whose RSS is 52-69 MB), so samples read each
 * container's processes in /proc, found through the container's cgroup.
 */
export const PROJECT = 'rinha-payments';

export interface Container {
  name: string;
  id: string;
  /** The container's first process, in the host's pid namespace. */
  pid: number;
  /** The container's cgroup directories (cpu, memory), for its process list and throttling. */
  cgroupDirs: string[];
}

const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The running containers of the stack, by compose service name. */
export function stackContainers(project = PROJECT): Container[] {
  const ids = docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const format = '{{index .Config.Labels "com.docker.compose.service"}} {{.Id}} {{.State.Pid}}';
  return docker(['inspect', '-f', format, ...ids])
    .split('\n')
    .map((line) => {
      const [name, id, pid] = line.split(' ');
      return { name: name!, id: id!, pid: Number(pid), cgroupDirs: cgroupDirs(Number(pid)) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** cgroup directories of a process (v1: one per controller we read; v2: the unified one). */
export function cgroupDirs(pid: number): string[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const line of text.trim().split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (controllers === '') dirs.push(join('/sys/fs/cgroup', path));
    for (const c of ['cpu,cpuacct', 'cpu', 'memory']) if (controllers === c) dirs.push(join('/sys/fs/cgroup', c, path));
  }
  return [...new Set(dirs)].filter((d) => existsSync(d));
}

/** Every process in the container (host pids), read from its cgroup; restarts keep the same cgroup. */
export function containerPids(container: Container): number[] {
  for (const dir of container.cgroupDirs) {
    try {
      const pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').filter(Boolean).map(Number);
      if (pids.length > 0) return pids;
    } catch {
      // this hierarchy is gone or unreadable: try the next
    }
  }
  return [];
}

/** A unix socket inside a container, reachable from the host through /proc (root, same host). */
export function socketInside(container: Container, path: string): string {
  return `/proc/${container.pid}/root${path}`;
}

/** The limits docker applied to each container (HostConfig), by service name. */
export interface AppliedLimits {
  nanoCpus: number;
  memory: number;
  cpuShares: number;
  /** HostConfig.CpusetCpus; "" when the container may run on any CPU. */
  cpuset: string;
}

export function appliedLimits(project = PROJECT): Record<string, AppliedLimits> {
  const ids = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]).split('\n').filter(Boolean);
  const limits: Record<string, AppliedLimits> = {};
  if (ids.length === 0) return limits;
  const format = '{{index .Config.Labels "com.docker.compose.service"}} {{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}}';
  for (const line of docker(['inspect', '-f', format, ...ids]).split('\n')) {
    const [name, nanoCpus, memory, cpuShares, cpuset = ''] = line.split(' ');
    limits[name!] = { nanoCpus: Number(nanoCpus), memory: Number(memory), cpuShares: Number(cpuShares), cpuset };
  }
  return limits;
}

/** The id of a service's running container, if it has one. */
function serviceContainer(service: string, project: string): string | undefined {
  return docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`]).split('\n')[0] || undefined;
}

/** Moves a running service's container to other CPUs (HostConfig.CpusetCpus, applied live). */
export function setContainerCpuset(service: string, cpuset: string, project = PROJECT): void {
  const id = serviceContainer(service, project);
  if (!id) throw new Error(`the Docker stack has no running ${service}: make up`);
  docker(['update', '--cpuset-cpus', cpuset, id]);
}

/** A service's address on its first network, reachable from the host (the bridge is local). */
export function containerAddress(service: string, project = PROJECT): string | null {
  const id = serviceContainer(service, project);
  if (!id) return null;
  return docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', id]).split(' ')[0] || null;
}

/**
 * CPU seconds the container's cgroup has used since it started. Unlike a sum over
 * the processes alive now, it never goes back when a short-lived process (a
 * `docker exec`) exits.
 */
export function containerCpuSeconds(container: Container): number | null {
  for (const dir of container.cgroupDirs) {
    try {
      if (existsSync(join(dir, 'cpuacct.usage'))) return Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e9;
      const m = /usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'));
      if (m) return Number(m[1]) / 1e6;
    } catch {
      // not this hierarchy
    }
  }
  return null;
}
