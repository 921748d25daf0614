/**
 * What an API instance spends per POST /payments on this machine: the compiled API
 * (the compose file's command for api1) on a unix socket, a Redis of its own, and a
 * client posting as nginx forwards k6's payments (the same headers, keep-alive,
 * CONCURRENCY at a time, default 2). CPU is the API process's own, all its threads,
 * from /proc (schedstat). Each round also prints the API's anonymous RSS: with many
 * rounds, a soak that shows whether its memory settles.
 *
 * Each argument is a build directory (default dist), with environment variables and
 * extra node flags for its API after a colon (`dist:BATCH_SIZE=1,--max-semi-space-size=1`).
 * With two or more, their APIs run side by side and take turns, round after round, so
 * they are compared on the same machine at the same moment.
 *
 * INTERVAL_MS (default 0) makes each client wait between its posts, so that the API
 * sleeps between requests as it does at the contest's rate (~250/s each at the peak:
 * CONCURRENCY=1 INTERVAL_MS=4) instead of running hot.
 * Usage: node --import tsx bench/api-cost.ts [dist[:NAME=value,--flag,...] ...]   (REQUESTS per round, default 10000; ROUNDS, default 5)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../src/http/node-http.ts';
import { cpuUs, startRedisAlone } from './redis-alone.ts';
import { percentile } from './report/render.ts';
import { readCompose, services } from './standin/local/compose.ts';
import { anonBytes } from './standin/local/procs.ts';

const REQUESTS = Number(process.env.REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 2);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 0);
const builds = process.argv.length > 2 ? process.argv.slice(2) : ['dist'];
// The compose file's API command without its script: ["node", ...flags, "dist/api/main.js"].
const NODE_FLAGS = services(readCompose(join(import.meta.dirname, '../deploy/docker-compose.yml')))
  .find((s) => s.name === 'api1')!
  .command.slice(1, -1);

const redis = await startRedisAlone({ aof: true, name: 'api-cost' });

interface Api {
  /** The argument: the build directory and its environment. */
  build: string;
  socketPath: string;
  child: ChildProcess;
  agent: InstanceType<typeof http.Agent>;
  usPerRequest: number[];
}

function post(api: Api, body: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = http.request(
      {
        socketPath: api.socketPath,
        agent: api.agent,
        method: 'POST',
        path: '/payments',
        // What nginx sends on for k6's POST (proxy_set_header Connection "" drops Connection).
        headers: { Host: 'api', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'k6/1.1.0 (https://k6.io/)', 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function ready(api: Api): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((done) => {
      http.get({ socketPath: api.socketPath, path: '/ready' }, (res) => done(res.resume().statusCode === 200)).on('error', () => done(false));
    });
    if (up) return;
    await sleep(100);
  }
  throw new Error(`api-cost: the API built in ${api.build} did not become ready (is it built? make build)`);
}

const apis: Api[] = builds.map((build, i) => {
  const [dir, settings] = build.split(':');
  const items = settings ? settings.split(',') : [];
  const flags = items.filter((item) => item.startsWith('--'));
  const env = Object.fromEntries(items.filter((item) => !item.startsWith('--')).map((pair) => pair.split('=')));
  const socketPath = join(tmpdir(), `api-cost-${process.pid}-${i}.sock`);
  const child = spawn(process.execPath, [...NODE_FLAGS, ...flags, resolve(dir!, 'api/main.js')], {
    env: { ...process.env, ...env, SOCKET_PATH: socketPath, REDIS_URL: `unix://${redis.socket}`, INSTANCE: `api-cost-${i}` },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { build, socketPath, child, agent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }), usPerRequest: [] };
});

try {
  for (const api of apis) await ready(api);
  console.log(`API CPU per POST /payments, ${CONCURRENCY} at a time${INTERVAL_MS > 0 ? `, each client waiting ${INTERVAL_MS} ms between posts` : ''}, ${REQUESTS} a round, ${ROUNDS} rounds (after one warm-up round):`);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const api of apis) {
      const before = cpuUs(api.child.pid!);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = 0; i < REQUESTS / CONCURRENCY; i++) {
            const status = await post(api, `{"correlationId":"${randomUUID()}","amount":19.90}`);
            if (status !== 202) throw new Error(`api-cost: POST /payments answered ${status}, expected 202`);
            if (INTERVAL_MS > 0) await sleep(INTERVAL_MS);
          }
        }),
      );
      const us = (cpuUs(api.child.pid!) - before) / REQUESTS;
      if (round > 0) api.usPerRequest.push(us);
      const anon = anonBytes(api.child.pid!);
      console.log(`  round ${round === 0 ? 'warm-up' : round}, ${api.build}: ${us.toFixed(1)} µs, anonymous RSS ${anon === null ? '?' : (anon / 2 ** 20).toFixed(1)} MB`);
    }
  }
  for (const { build, usPerRequest: us } of apis) {
    console.log(`${build}: median ${percentile(us, 50).toFixed(1)} µs (${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)})`);
  }
} finally {
  for (const api of apis) {
    api.child.kill();
    api.agent.destroy();
    rmSync(api.socketPath, { force: true });
  }
  redis.stop();
}
