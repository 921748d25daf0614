/**
 * The compose topology as local processes, for machines without a Docker engine:
 *   node --import tsx bench/standin/local/stack.ts up | down | ps | logs
 * Services, commands, environment and limits come from deploy/docker-compose.yml;
 * nginx and Redis read deploy/nginx.conf and deploy/redis.conf with container
 * paths mapped into .run/. Processor simulators start on :8001/:8002 when
 * nothing listens there.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkCpuset, createGroup, removeGroup, type Limits } from './cgroups.ts';
import { composeVariables, readCompose, services, substitute, type ServiceSpec } from './compose.ts';
import { contestViolations } from '../../checks/rules.ts';
import { alive, children, cpuSeconds, httpStatus, portAnswers, redisPong, rssBytes, waitUntil } from './procs.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const RUN = join(ROOT, '.run');
const STATE = join(RUN, 'state.json');
/** Redis's append-only file: kept across restarts, removed by make down unless KEEP=1. */
export const REDIS_DATA = join(RUN, 'redis');
// A unix socket path must fit in 108 bytes: from a deep checkout, sockets go to /tmp.
export const SOCKETS = `${RUN}/sockets/api1.sock`.length < 100 ? join(RUN, 'sockets') : `/tmp/rinha-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`;
const ORDER = ['redis', 'api1', 'api2', 'worker', 'nginx'];

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

function readState(): RunningService[] {
  return existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as RunningService[]) : [];
}

/** Written whole, then renamed: a reader never sees half a file. */
export function writeState(state: RunningService[]): void {
  writeFileSync(`${STATE}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${STATE}.tmp`, STATE);
}

/** Container paths to local ones: /sockets/ and /tmp/ live under .run/ (only where a path starts). */
export function localPath(text: string): string {
  // One pass, so a local path that itself starts with /tmp/ is not mapped again.
  return text.replace(/(^|\s|unix:|unix:\/\/)\/(sockets|tmp)\//gm, (_, before: string, dir: string) => `${before}${dir === 'sockets' ? SOCKETS : join(RUN, 'tmp')}/`);
}

function variables(): Record<string, string | undefined> {
  // Without Docker the processors are on loopback, and the simulators' token is known.
  return {
    DEFAULT_PROCESSOR_URL: 'http://127.0.0.1:8001',
    FALLBACK_PROCESSOR_URL: 'http://127.0.0.1:8002',
    PROCESSOR_ADMIN_TOKEN: '123',
    ...composeVariables(ROOT),
  };
}

function commandFor(spec: ServiceSpec): string[] {
  if (spec.name === 'redis') {
    const conf = localPath(readFileSync(join(ROOT, 'deploy/redis.conf'), 'utf8')).replace(/^dir .*$/m, `dir ${REDIS_DATA}`);
    writeFileSync(join(RUN, 'redis.conf'), conf);
    return ['redis-server', join(RUN, 'redis.conf')];
  }
  if (spec.name === 'nginx') {
    const conf = localPath(readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8')).replace(/^pid .*;$/m, `pid ${RUN}/nginx.pid;`);
    writeFileSync(join(RUN, 'nginx.conf'), conf);
    return [existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', '-c', join(RUN, 'nginx.conf'), '-g', 'daemon off;'];
  }
  return spec.command;
}

/** Spawns a detached process inside a new cgroup (when the machine allows one) and logs to .run/logs. */
function launch(name: string, limits: Limits, command: string[], env: Record<string, string | undefined>) {
  const log = join(RUN, 'logs', `${name}.log`);
  const out = openSync(log, 'a');
  const group = createGroup(`rinha-${name}`, limits);
  // The shell joins the cgroups, then becomes the service: limits apply from its first instruction.
  const join_ = 'error' in group ? '' : group.procs.map((p) => `echo $$ > ${p}`).join(' && ') + ' && ';
  const [cmd, ...args] = command;
  const child = spawn('sh', ['-c', `${join_}exec "$0" "$@"`, cmd!, ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  return { pid: child.pid!, command: cmd!, log, limits: 'error' in group ? `none (${group.error})` : group.applied, cgroupDirs: 'error' in group ? [] : group.dirs };
}

function start(spec: ServiceSpec, vars: Record<string, string | undefined>): RunningService {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  for (const [key, value] of Object.entries(spec.environment)) env[key] = localPath(substitute(String(value), vars));
  // A cpuset the machine cannot give stops `make up`, as Docker stops: running unpinned would measure another stack.
  if (spec.cpuset) checkCpuset(spec.cpuset);
  const launched = launch(spec.name, { cpus: spec.cpus, memoryBytes: spec.memoryBytes, cpuShares: spec.cpuShares, cpuset: spec.cpuset }, commandFor(spec), env);
  const listen = spec.name === 'nginx' ? ':9999' : (env.SOCKET_PATH ?? (spec.name === 'redis' ? `${SOCKETS}/redis.sock` : '-'));
  return { name: spec.name, listen, ...launched };
}

async function ready(service: RunningService): Promise<boolean> {
  if (!alive(service.pid)) throw new Error(`${service.name} exited; see ${service.log}:\n${tail(service.log, 5)}`);
  if (service.name === 'redis') return redisPong(REDIS_SOCKET);
  if (service.name === 'nginx') return (await httpStatus({ port: 9999 }, '/payments-summary')) === 200;
  if (service.name === 'worker') {
    const file = join(RUN, 'tmp/worker-ready');
    return existsSync(file) && Date.now() - Number(readFileSync(file, 'utf8')) < 5000;
  }
  return (await httpStatus({ socketPath: service.listen }, '/ready')) === 200;
}

/**
 * A processor simulator, when nothing listens on the port. In the contest the
 * processors are ordinary containers on the same host: no quota of ours, and the
 * normal CPU weight (1024), so here too they compete for the CPUs as they would there.
 */
async function startSimulator(name: string, port: number, fee: string): Promise<RunningService | null> {
  if (await portAnswers(port)) return null;
  const env = { ...process.env, PORT: String(port), TRANSACTION_FEE: fee };
  const launched = launch(name, { cpus: null, memoryBytes: null, cpuShares: 1024 }, [process.execPath, '--import', 'tsx', 'bench/standin/processor/main.ts'], env);
  await waitUntil(`${name} simulator on :${port}`, () => portAnswers(port), 15_000);
  return { name, listen: `:${port}`, ...launched, limits: `${launched.limits} (stands in for an external service)` };
}

/** One service of the compose file started again, as `make up` starts it: for the supervisor. */
export function restartService(name: string): RunningService {
  const spec = services(readCompose(join(ROOT, 'deploy/docker-compose.yml'))).find((s) => s.name === name);
  if (!spec) throw new Error(`deploy/docker-compose.yml has no service "${name}"`);
  return start(spec, variables());
}

const SUPERVISOR = join(RUN, 'supervisor.pid');

/** The supervisor's pid while it runs (and is still ours: pids are reused). */
function supervisorPid(): number | null {
  if (!existsSync(SUPERVISOR)) return null;
  const pid = Number(readFileSync(SUPERVISOR, 'utf8'));
  return ours({ pid, command: "supervise.ts" }) ? pid : null;
}

/** Started last by `make up`: it restarts services that exit (bench/standin/local/supervise.ts). */
function startSupervisor(): void {
  if (supervisorPid() !== null) return;
  const out = openSync(join(RUN, 'logs', 'supervisor.log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/standin/local/supervise.ts')], { cwd: ROOT, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(SUPERVISOR, String(child.pid));
}

/** Stopped first by `make down` and `make up`, so nothing restarts what they stop or start. */
async function stopSupervisor(): Promise<void> {
  const pid = supervisorPid();
  if (pid !== null) {
    process.kill(pid, 'SIGTERM');
    try {
      await waitUntil('the supervisor to stop', () => !alive(pid), 5000);
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(SUPERVISOR, { force: true });
}

export async function up(): Promise<void> {
  await stopSupervisor();
  const previous = readState();
  const state = previous.filter(ours);
  if (previous.length > 0 && state.length === previous.length && (await httpStatus({ port: 9999 }, '/payments-summary')) === 200) {
    startSupervisor();
    console.log('already running:');
    return ps();
  }
  // Whatever still runs keeps running (the simulators keep their books); what died starts again.
  for (const dead of previous.filter((s) => !state.includes(s))) console.log(`${dead.name} is not running: starting it`);
  for (const dir of ['logs', 'redis', 'tmp']) mkdirSync(join(RUN, dir), { recursive: true });
  mkdirSync(SOCKETS, { recursive: true });
  const compose = readCompose(join(ROOT, 'deploy/docker-compose.yml'));
  // Say so when the compose file breaks a contest rule: figures measured then would not count.
  for (const problem of contestViolations(compose)) console.warn(`warning: deploy/docker-compose.yml breaks a contest rule: ${problem}`);
  const specs = services(compose);
  const vars = variables();
  const running = (name: string) => state.some((s) => s.name === name);
  const save = () => writeState(state);
  try {
    for (const [name, port, fee] of [['processor-default', 8001, '0.05'], ['processor-fallback', 8002, '0.15']] as const) {
      const sim = running(name) ? null : await startSimulator(name, port, fee);
      if (sim) state.push(sim);
      save();
    }
    for (const name of ORDER) {
      if (running(name)) continue;
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new Error(`deploy/docker-compose.yml has no service "${name}"`);
      const service = start(spec, vars);
      state.push(service);
      save();
      await waitUntil(name, () => ready(service), 30_000);
    }
  } catch (err) {
    console.error(`make up failed: ${(err as Error).message}`);
    await down();
    process.exit(1);
  }
  startSupervisor();
  console.log('stack is up: http://localhost:9999 (stop with make down; services that exit are restarted)');
  await ps();
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

export async function down(): Promise<void> {
  await stopSupervisor();
  const state = readState();
  for (const service of [...state].reverse()) {
    if (!ours(service)) continue;
    process.kill(service.pid, 'SIGTERM');
    try {
      await waitUntil(`${service.name} to stop`, () => !alive(service.pid), 8000);
    } catch {
      process.kill(service.pid, 'SIGKILL');
    }
  }
  for (const service of state) removeGroup(service.cgroupDirs);
  rmSync(SOCKETS, { recursive: true, force: true });
  rmSync(STATE, { force: true });
  console.log(state.length > 0 ? `stopped ${state.map((s) => s.name).join(', ')}` : 'nothing was running');
  // As the Docker way drops its volumes: the next make up starts with no payments.
  if (process.env.KEEP) console.log(`kept the Redis data (${REDIS_DATA})`);
  else rmSync(REDIS_DATA, { recursive: true, force: true });
}

export async function ps(): Promise<void> {
  const state = readState();
  if (state.length === 0) return console.log('not running (make up starts it)');
  const supervisor = supervisorPid();
  console.log(supervisor === null ? 'supervisor: not running (make up starts it): services that exit stay down' : `supervisor: pid ${supervisor}, restarts services that exit`);
  const before = state.map((s) => family(s.pid).reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0));
  await sleep(1000);
  console.log(`${'service'.padEnd(20)}${'pid'.padEnd(9)}${'state'.padEnd(9)}${'rss'.padStart(8)}${'cpu'.padStart(8)}  ${'listens on'.padEnd(36)}limits`);
  state.forEach((s, i) => {
    const pids = family(s.pid);
    const rss = pids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
    const cpu = pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0) - before[i]!;
    const up = alive(s.pid);
    console.log(
      `${s.name.padEnd(20)}${String(s.pid).padEnd(9)}${(up ? 'running' : 'dead').padEnd(9)}${(up ? `${(rss / 2 ** 20).toFixed(1)}MB` : '-').padStart(8)}${(up ? `${Math.round(cpu * 100)}%` : '-').padStart(8)}  ${s.listen.replace(ROOT + '/', '').padEnd(36)}${s.limits}`,
    );
  });
}

/** The processor simulators stand in for external services: no service of the compose file. */
export function standsIn(service: Pick<RunningService, 'name'>): boolean {
  return service.name.startsWith('processor-');
}

/** Redis's unix socket in the local stack: the compose file's /sockets/redis.sock, mapped. */
export const REDIS_SOCKET = join(SOCKETS, 'redis.sock');

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

/** A service's processes: nginx's workers count toward nginx. */
function family(pid: number): number[] {
  return [pid, ...children(pid)];
}

function tail(file: string, lines: number): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

export function logs(): void {
  for (const s of readState()) {
    console.log(`== ${s.name} (${s.log.replace(ROOT + '/', '')})`);
    console.log(tail(s.log, 20) || '(empty)');
  }
}

export { readState };

if (process.argv[1] === import.meta.filename) {
  // `make ps | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));
  const command = process.argv[2];
  const actions: Record<string, () => unknown> = { up, down, ps, logs };
  const action = command ? actions[command] : undefined;
  if (!action) {
    console.error('usage: stack.ts up | down | ps | logs');
    process.exit(2);
  }
  await action();
}
