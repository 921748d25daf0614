/**
 * Starting one service of the compose file as a local process: its command and
 * environment with container paths mapped under .run/, inside a cgroup with the
 * compose file's limits. nginx and Redis read deploy/nginx.conf and
 * deploy/redis.conf, rewritten the same way.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCpuset, createGroup, type Limits } from './cgroups.ts';
import { composeVariables, readCompose, services, substitute, type ServiceSpec } from './compose.ts';
import { portAnswers, waitUntil } from './procs.ts';
import { JOURNAL, REDIS_DATA, ROOT, RUN, SOCKETS, type RunningService } from './state.ts';

/** Container paths to local ones: /sockets, /tmp and /journal live under .run/ (only where a path starts). */
export function localPath(text: string): string {
  const local: Record<string, string> = { sockets: SOCKETS, tmp: join(RUN, 'tmp'), journal: JOURNAL };
  // One pass, so a local path that itself starts with /tmp/ is not mapped again.
  return text.replace(/(^|\s|unix:|unix:\/\/)\/(sockets|tmp|journal)(?=\/|\s|$)/gm, (_, before: string, dir: string) => `${before}${local[dir]}`);
}

/** The compose file's variables: .env and the environment, over the local defaults. */
export function variables(): Record<string, string | undefined> {
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

/** One service of the compose file, started under its limits. */
export function start(spec: ServiceSpec, vars: Record<string, string | undefined>): RunningService {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  for (const [key, value] of Object.entries(spec.environment)) env[key] = localPath(substitute(String(value), vars));
  // A cpuset the machine cannot give stops `make up`, as Docker stops: running unpinned would measure another stack.
  if (spec.cpuset) checkCpuset(spec.cpuset);
  const launched = launch(spec.name, { cpus: spec.cpus, memoryBytes: spec.memoryBytes, cpuShares: spec.cpuShares, cpuset: spec.cpuset }, commandFor(spec), env);
  const listen = spec.name === 'nginx' ? ':9999' : (env.SOCKET_PATH ?? (spec.name === 'redis' ? `${SOCKETS}/redis.sock` : '-'));
  return { name: spec.name, listen, ...launched };
}

/** One service of the compose file started again, as `make up` starts it: for the supervisor. */
export function restartService(name: string): RunningService {
  const spec = services(readCompose(join(ROOT, 'deploy/docker-compose.yml'))).find((s) => s.name === name);
  if (!spec) throw new Error(`deploy/docker-compose.yml has no service "${name}"`);
  return start(spec, variables());
}

/**
 * A processor simulator, when nothing listens on the port. In the contest the
 * processors are ordinary containers on the same host: no quota of ours, and the
 * normal CPU weight (1024), so here too they compete for the CPUs as they would there.
 */
export async function startSimulator(name: string, port: number, fee: string): Promise<RunningService | null> {
  if (await portAnswers(port)) return null;
  const env = { ...process.env, PORT: String(port), TRANSACTION_FEE: fee };
  const launched = launch(name, { cpus: null, memoryBytes: null, cpuShares: 1024 }, [process.execPath, '--import', 'tsx', 'bench/standin/processor/main.ts'], env);
  await waitUntil(`${name} simulator on :${port}`, () => portAnswers(port), 15_000);
  return { name, listen: `:${port}`, ...launched, limits: `${launched.limits} (stands in for an external service)` };
}
