/**
 * The compose topology as local processes, for machines without a Docker engine:
 *   node --import tsx bench/standin/local/stack.ts up | down | ps | logs
 * Services, commands, environment and limits come from deploy/docker-compose.yml,
 * each service started by launch.ts and recorded in .run/ by state.ts. Processor
 * simulators start on :8001/:8002 when nothing listens there. A supervisor
 * (supervise.ts) restarts what exits, as compose's restart policy does.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { removeGroup } from './cgroups.ts';
import { readCompose, services } from './compose.ts';
import { contestViolations } from '../../checks/rules.ts';
import { start, startSimulator, variables } from './launch.ts';
import { alive, cpuSeconds, httpStatus, redisPong, rssBytes, waitUntil } from './procs.ts';
import { clearState, family, JOURNAL, ours, readState, REDIS_DATA, REDIS_SOCKET, ROOT, RUN, SOCKETS, writeState, type RunningService } from './state.ts';

const ORDER = ['redis', 'api1', 'api2', 'worker', 'nginx'];

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
  const running = (name: string) => state.some((s) => s.name === name);
  if (previous.length > 0 && state.length === previous.length && (await httpStatus({ port: 9999 }, '/payments-summary')) === 200) {
    startSupervisor();
    console.log('already running:');
    return ps();
  }
  // nginx listens with reuseport: a second stack's (another checkout's) would share :9999 with
  // the first, each answering part of the load, and every figure measured then mixes the two.
  if (!running('nginx') && (await httpStatus({ port: 9999 }, '/')) !== 0) {
    console.error("make up failed: :9999 already answers, not from this checkout's nginx: another stack holds it (make down there first)");
    process.exit(1);
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
  clearState();
  console.log(state.length > 0 ? `stopped ${state.map((s) => s.name).join(', ')}` : 'nothing was running');
  // As the Docker way drops its volumes: the next make up starts with no payments.
  if (process.env.KEEP) console.log(`kept the Redis data (${REDIS_DATA}) and the journal (${JOURNAL})`);
  else for (const dir of [REDIS_DATA, JOURNAL]) rmSync(dir, { recursive: true, force: true });
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

function tail(file: string, lines: number): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

export function logs(): void {
  for (const s of readState()) {
    console.log(`== ${s.name} (${s.log.replace(ROOT + '/', '')})`);
    console.log(tail(s.log, 20) || '(empty)');
  }
}

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
