import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appliedLimits, setContainerCpuset } from './standin/docker/containers.ts';
import { onlineCpus } from './standin/local/cgroups.ts';
import { readState } from './standin/local/state.ts';

/**
 * The floor is nginx alone on the machine, free to run on every CPU. The stack
 * pins nginx (compose `cpuset`), and a pinned nginx answers the floor more
 * slowly too: measured against it, the floor would pay part of the pin's cost
 * and "p99 − floor" would read lower than the stack earns. So nginx gets every
 * online CPU for the floor run and the compose file's CPUs back before the run.
 */
export interface FloorCpus {
  /** What the floor ran on, for the table: e.g. "0-1 (the stack pins nginx to 1)". */
  note: string;
  restore: () => void;
}

export function unpinNginxForFloor(stack: 'docker' | 'local'): FloorCpus {
  const online = onlineCpus();
  const pinned = stack === 'docker' ? dockerCpuset() : localCpusetFiles();
  if (pinned === null || pinned.cpuset === '' || pinned.cpuset === online) return { note: `${online} (nginx is not pinned)`, restore: () => {} };
  pinned.set(online);
  return { note: `${online} (the stack pins nginx to ${pinned.cpuset})`, restore: () => pinned.set(pinned.cpuset) };
}

interface Pinned {
  cpuset: string;
  set: (cpuset: string) => void;
}

function dockerCpuset(): Pinned | null {
  const cpuset = appliedLimits().nginx?.cpuset;
  return cpuset === undefined ? null : { cpuset, set: (to) => setContainerCpuset('nginx', to) };
}

/** Local mode: the cpuset.cpus file of nginx's own cgroup (v1's cpuset hierarchy, or v2's unified group). */
function localCpusetFiles(): Pinned | null {
  const nginx = readState().find((s) => s.name === 'nginx');
  const file = nginx?.cgroupDirs.map((dir) => join(dir, 'cpuset.cpus')).find((f) => existsSync(f));
  return file === undefined ? null : { cpuset: readFileSync(file, 'utf8').trim(), set: (to) => writeFileSync(file, to) };
}
