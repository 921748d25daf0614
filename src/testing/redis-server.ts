import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnection } from '../redis/connection.ts';
import { parseRedisUrl } from '../redis/url.ts';

/** Test helper: a real redis-server on a free loopback port. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets but answers nothing, as a frozen host would. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisOptions {
  /** e.g. '2mb'; unset: unlimited. Policy noeviction, as deployed. */
  maxmemory?: string;
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const extra = options.maxmemory ? ['--maxmemory', options.maxmemory, '--maxmemory-policy', 'noeviction'] : [];
  let child: ChildProcess = await launch(port, extra);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    async stop() {
      await kill(child);
    },
    async restart() {
      await kill(child);
      child = await launch(port, extra);
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
  };
}

async function launch(port: number, extra: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), ...extra], {
    stdio: 'ignore',
  });
  child.on('error', (err) => {
    throw new Error(`redis-server could not start (${err.message}): install it (apt-get install redis-server) or run make test`);
  });
  for (let i = 0; i < 100; i++) {
    if (await accepts(port)) return child;
    await sleep(50);
  }
  throw new Error(`redis-server did not listen on ${port} within 5 s`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || (child.signalCode !== null && child.signalCode !== 'SIGSTOP')) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/** A redis-server for one test file and a ready connection to it. */
export interface TestRedisConnection {
  server: TestRedis;
  redis: RedisConnection;
}

export async function connectTestRedis(options: RedisOptions & { offlineQueueLimit?: number } = {}): Promise<TestRedisConnection> {
  const server = await startRedis(options);
  const redis = new RedisConnection({ address: parseRedisUrl(server.url), offlineQueueLimit: options.offlineQueueLimit });
  await redis.waitReady(5000);
  return { server, redis };
}
