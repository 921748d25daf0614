/**
 * `make ps` with Docker: each container's RSS and CPU over one second, summed over
 * its processes (read from /proc through its cgroup; docker stats understates
 * Node's memory), next to the limits Docker applied.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, rssBytes } from '../local/procs.ts';
import { appliedLimits, containerCpuSeconds, containerPids, stackContainers } from './containers.ts';

const containers = stackContainers();
if (containers.length === 0) {
  console.log('no container of the stack runs (make up starts it)');
  process.exit(0);
}
// CPU from the cgroup (processes exec'd into a container come and go); the live processes' sum otherwise.
const cpu = (c: (typeof containers)[number]) => containerCpuSeconds(c) ?? containerPids(c).reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
const before = containers.map(cpu);
await sleep(1000);
const limits = appliedLimits();
console.log(`${'service'.padEnd(10)}${'host pid'.padEnd(10)}${'procs'.padStart(6)}${'rss'.padStart(10)}${'cpu'.padStart(7)}  limits`);
containers.forEach((c, i) => {
  const pids = containerPids(c);
  const rss = pids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
  const l = limits[c.name];
  const applied = l ? `cpu ${l.nanoCpus / 1e9}, shares ${l.cpuShares}, ${l.cpuset ? `cpuset ${l.cpuset}, ` : ''}memory ${Math.round(l.memory / 2 ** 20)}MB` : '-';
  console.log(`${c.name.padEnd(10)}${String(c.pid).padEnd(10)}${String(pids.length).padStart(6)}${`${(rss / 2 ** 20).toFixed(1)}MB`.padStart(10)}${`${Math.round((cpu(c) - before[i]!) * 100)}%`.padStart(7)}  ${applied}`);
});
