/**
 * What Redis spends per command on this machine: the API's enqueue script
 * against a bare PING, from two clients sending one command at a time each (two
 * API instances at the contest's peak rate). Redis runs alone with deploy/redis.conf
 * (AOF, fsync every second; `noaof` turns the AOF off), its CPU read from /proc.
 * Usage: node --import tsx bench/redis-cost.ts [noaof]   (COMMANDS per client, default 10000)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnection } from '../src/redis/connection.ts';
import { parseRedisUrl } from '../src/redis/url.ts';
import { enqueue } from '../src/store/queue.ts';
import { loadScripts } from '../src/store/scripts.ts';
import { ping } from '../src/store/server.ts';

const COMMANDS = Number(process.env.COMMANDS ?? 10_000);
const ROUNDS = 2;
const TICK_US = 10_000; // /proc counts CPU in 100 Hz ticks

const dir = mkdtempSync(join(tmpdir(), 'redis-cost-'));
const socket = join(dir, 'redis.sock');
const aof = process.argv[2] !== 'noaof';
// The deployed configuration, with its socket and data directory moved here.
const conf = readFileSync(join(import.meta.dirname, '../deploy/redis.conf'), 'utf8')
  .replace(/^unixsocket .*$/m, `unixsocket ${socket}`)
  .replace(/^dir .*$/m, `dir ${dir}`)
  .replace(/^appendonly .*$/m, `appendonly ${aof ? 'yes' : 'no'}`);
writeFileSync(join(dir, 'redis.conf'), conf);
const server = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' });
server.on('error', (err) => {
  console.error(`redis-cost: cannot start redis-server (${err.message}); install it (make system-deps)`);
  process.exit(2);
});

/** Redis's user + system CPU so far, µs. */
function redisCpuUs(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

const clients = [0, 1].map(() => new RedisConnection({ address: parseRedisUrl(`unix://${socket}`), offlineQueueLimit: 0 }));
try {
  for (const client of clients) await client.waitReady(5_000);
  await loadScripts(clients[0]!);
  console.log(`Redis CPU per command, two clients one at a time each, ${COMMANDS} each, AOF ${aof ? 'on' : 'off'}:`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [label, one] of [
      ['PING', (c: RedisConnection) => ping(c)],
      ['enqueue script', (c: RedisConnection) => enqueue(c, randomUUID(), 1990, Date.now())],
    ] as const) {
      const before = redisCpuUs();
      await Promise.all(clients.map(async (client) => {
        for (let i = 0; i < COMMANDS; i++) await one(client);
      }));
      await sleep(1_100); // the AOF's once-a-second fsync lands inside the count
      console.log(`  round ${round}, ${label}: ${((redisCpuUs() - before) / (2 * COMMANDS)).toFixed(1)} µs`);
    }
  }
} finally {
  for (const client of clients) await client.close();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
