/**
 * What Redis spends per command on this machine: the API's enqueue script
 * against a bare PING, from two clients sending one command at a time each (two
 * API instances at the contest's peak rate). Redis runs alone with deploy/redis.conf
 * (AOF, fsync every second; `noaof` turns the AOF off), its CPU read from /proc (schedstat, all threads).
 * Usage: node --import tsx bench/redis-cost.ts [noaof]   (COMMANDS per client, default 10000)
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnection } from '../src/redis/connection.ts';
import { parseRedisUrl } from '../src/redis/url.ts';
import { enqueue } from '../src/store/queue.ts';
import { loadScripts } from '../src/store/scripts.ts';
import { ping } from '../src/store/server.ts';
import { cpuUs, startRedisAlone } from './redis-alone.ts';

const COMMANDS = Number(process.env.COMMANDS ?? 10_000);
const ROUNDS = 2;

const aof = process.argv[2] !== 'noaof';
const redis = await startRedisAlone({ aof, name: 'redis-cost' });

const clients = [0, 1].map(() => new RedisConnection({ address: parseRedisUrl(`unix://${redis.socket}`), offlineQueueLimit: 0 }));
try {
  for (const client of clients) await client.waitReady(5_000);
  await loadScripts(clients[0]!);
  console.log(`Redis CPU per command, two clients one at a time each, ${COMMANDS} each, AOF ${aof ? 'on' : 'off'}:`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [label, one] of [
      ['PING', (c: RedisConnection) => ping(c)],
      ['enqueue script', (c: RedisConnection) => enqueue(c, randomUUID(), 1990, Date.now())],
    ] as const) {
      const before = cpuUs(redis.pid);
      await Promise.all(clients.map(async (client) => {
        for (let i = 0; i < COMMANDS; i++) await one(client);
      }));
      await sleep(1_100); // the AOF's once-a-second fsync lands inside the count
      console.log(`  round ${round}, ${label}: ${((cpuUs(redis.pid) - before) / (2 * COMMANDS)).toFixed(1)} µs`);
    }
  }
} finally {
  for (const client of clients) await client.close();
  redis.stop();
}
