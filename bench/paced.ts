/**
 * One request at a time through each hop of the running local stack, the targets
 * taking turns, INTERVAL_MS apart (default 20): how long a hop takes when every
 * process on it sleeps between requests, as at the contest's low rates. Targets:
 * nginx's floor (:9998, nginx answering by itself), the stack through nginx
 * (:9999), and api1 straight on its unix socket, a payment and a 404 (no Redis).
 * The payments to the stack and to api1 are real ones, forwarded by the worker; the
 * floor's go nowhere. Prints p50 and p99 per target.
 * Usage: make up STACK=local, then node --import tsx bench/paced.ts   (REQUESTS per target, default 400)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../src/http/node-http.ts';
import { percentile } from './report/render.ts';
import { SOCKETS } from './standin/local/state.ts';
import { timeOne, type Target } from './timed-request.ts';

const REQUESTS = Number(process.env.REQUESTS ?? 400);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 20);
const API1 = join(SOCKETS, 'api1.sock');

const targets: Target[] = [
  { label: 'nginx alone (:9998, the floor)', where: { host: '127.0.0.1', port: 9998 }, path: '/payments', pay: true, expect: 202 },
  { label: 'the stack through nginx (:9999)', where: { host: '127.0.0.1', port: 9999 }, path: '/payments', pay: true, expect: 202 },
  { label: 'api1 on its socket, POST /payments', where: { socketPath: API1 }, path: '/payments', pay: true, expect: 202 },
  { label: 'api1 on its socket, a 404', where: { socketPath: API1 }, path: '/no-such-path', pay: false, expect: 404 },
];

if (!existsSync(API1)) {
  console.error(`paced: no API socket at ${API1}; start the local stack first (make up STACK=local)`);
  process.exit(2);
}
const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
const times = targets.map((): number[] => []);
for (let i = 0; i < REQUESTS; i++) {
  for (const [k, target] of targets.entries()) {
    const ms = await timeOne(target, agents[k]!).catch((err: Error) => {
      console.error(`paced: ${err.message}; is the local stack up (make up STACK=local)?`);
      process.exit(1);
    });
    times[k]!.push(ms);
    await sleep(INTERVAL_MS);
  }
}
console.log(`One request at a time, ${INTERVAL_MS} ms apart, ${REQUESTS} per target, taking turns:`);
for (const [k, target] of targets.entries()) {
  console.log(`  ${target.label}: p50 ${percentile(times[k]!, 50).toFixed(2)} ms, p99 ${percentile(times[k]!, 99).toFixed(2)} ms`);
}
for (const agent of agents) agent.destroy();
