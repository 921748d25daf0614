import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** A process's CPU so far, µs: the scheduler's own count (/proc/<pid>/schedstat, ns), finer than /proc/<pid>/stat's 10 ms ticks. */
export function cpuUs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1_000;
}
