import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A redis-server of its own for a benchmark: deploy/redis.conf, its socket and data moved to a temporary directory. */
export interface RedisAlone {
  socket: string;
  pid: number;
  stop(): void;
}

export async function startRedisAlone(options: { aof: boolean; name: string }): Promise<RedisAlone> {
  const dir = mkdtempSync(join(tmpdir(), `${options.name}-`));
  const socket = join(dir, 'redis.sock');
  const conf = readFileSync(join(import.meta.dirname, '../deploy/redis.conf'), 'utf8')
    .replace(/^unixsocket .*$/m, `unixsocket ${socket}`)
    .replace(/^dir .*$/m, `dir ${dir}`)
    .replace(/^appendonly .*$/m, `appendonly ${options.aof ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'redis.conf'), conf);
  const server = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' });
  server.on('error', (err) => {
    console.error(`${options.name}: cannot start redis-server (${err.message}); install it (make system-deps)`);
    process.exit(2);
  });
  await sleep(200); // the socket appears once Redis listens; clients retry until then
  return {
    socket,
    pid: server.pid!,
    stop() {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A process's CPU so far, µs, all its threads (Redis's AOF fsync and V8's compiler
 * run on threads of their own): the scheduler's own count per thread
 * (/proc/<pid>/task/<tid>/schedstat, ns), finer than /proc/<pid>/stat's 10 ms ticks.
 * A thread that has already exited is not counted.
 */
export function cpuUs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return ns / 1_000;
}
