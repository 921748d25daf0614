/**
 * What `make up` started in local mode, kept in .run/state.json, and where the
 * local stack lives on disk: read by `make down`/`ps`, the supervisor and the
 * benchmark's sampler.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { alive, children } from './procs.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const RUN = join(ROOT, '.run');
const STATE = join(RUN, 'state.json');
/** Redis's append-only file: kept across restarts, removed by make down unless KEEP=1. */
export const REDIS_DATA = join(RUN, 'redis');
/** The payment journal (JOURNAL_DIR): kept and removed with the Redis data, as the Docker way's volumes. */
export const JOURNAL = join(RUN, 'journal');
// A unix socket path must fit in 108 bytes: from a deep checkout, sockets go to /tmp.
export const SOCKETS = `${RUN}/sockets/api1.sock`.length < 100 ? join(RUN, 'sockets') : `/tmp/rinha-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`;
/** Redis's unix socket in the local stack: the compose file's /sockets/redis.sock, mapped. */
export const REDIS_SOCKET = join(SOCKETS, 'redis.sock');

export interface RunningService {
  name: string;
  pid: number;
  /** The executable, to tell our process from another that reused its pid. */
  command: string;
  log: string;
  limits: string;
  cgroupDirs: string[];
  listen: string;
}

export function readState(): RunningService[] {
  return existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as RunningService[]) : [];
}

/** Written whole, then renamed: a reader never sees half a file. */
export function writeState(state: RunningService[]): void {
  writeFileSync(`${STATE}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${STATE}.tmp`, STATE);
}

/** Forgets the stack: `make down` once everything has stopped. */
export function clearState(): void {
  rmSync(STATE, { force: true });
}

/** Alive, and still the process we started (pids are reused). */
export function ours(service: Pick<RunningService, 'pid' | 'command'>): boolean {
  if (!alive(service.pid)) return false;
  try {
    return readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').includes(basename(service.command));
  } catch {
    return false;
  }
}

/** The processor simulators stand in for external services: no service of the compose file. */
export function standsIn(service: Pick<RunningService, 'name'>): boolean {
  return service.name.startsWith('processor-');
}

/** A service's processes: nginx's workers count toward nginx. */
export function family(pid: number): number[] {
  return [pid, ...children(pid)];
}

/** A running service of the compose file as the benchmark samples it. */
export interface ServiceProcesses {
  name: string;
  /** Its processes now (nginx's workers count toward nginx). */
  pids: () => number[];
  /** Its cgroup directories, for throttling counts; empty without cgroups. */
  cgroupDirs: string[];
}

/** The compose file's services that make up started (not the processor stand-ins), for the benchmark's samples. */
export function serviceProcesses(): ServiceProcesses[] {
  return readState()
    .filter((s) => !standsIn(s))
    .map((s) => ({ name: s.name, pids: () => family(s.pid), cgroupDirs: s.cgroupDirs }));
}
