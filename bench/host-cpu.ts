import { readFileSync } from 'node:fs';

/**
 * The whole machine's CPU from /proc/stat, for the benchmark: how busy the host
 * was and how much of its time the hypervisor gave to other guests (steal). On a
 * shared VM, steal rises with the load: a vCPU taken away for a few milliseconds
 * stalls whatever ran on it, and shows as latency no handler can account for.
 */
export interface CpuTicks {
  /** Every tick counted on the aggregate line, steal included (guest time is already inside user). */
  total: number;
  idle: number;
  steal: number;
}

/**
 * A `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal [guest
 * guest_nice]. The aggregate line by default; `cpu` = 1 reads CPU 1's own line.
 */
export function parseCpuTicks(stat: string, cpu?: number): CpuTicks {
  const name = cpu === undefined ? 'cpu' : `cpu${cpu}`;
  const line = stat.split('\n').find((l) => l.startsWith(`${name} `));
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number) ?? [];
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) {
    throw new Error(`/proc/stat: expected ${cpu === undefined ? 'an aggregate "cpu"' : `a "${name}"`} line with 8 counters, got "${line ?? ''}"`);
  }
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields as [number, number, number, number, number, number, number, number];
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

export function readCpuTicks(cpu?: number): CpuTicks | null {
  try {
    return parseCpuTicks(readFileSync('/proc/stat', 'utf8'), cpu);
  } catch {
    return null;
  }
}

/** Between two readings, as percent of the CPUs' time: busy (running anything here) and stolen. */
export function hostShare(before: CpuTicks, after: CpuTicks): { busy: number; steal: number } | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  const steal = after.steal - before.steal;
  const idle = after.idle - before.idle;
  return { busy: (100 * (total - idle - steal)) / total, steal: (100 * steal) / total };
}
