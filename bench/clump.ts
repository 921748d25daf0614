/**
 * Clumps of payments sent at once, as k6's VUs send them at the contest's peak:
 * CLUMP requests together (default 12), every INTERVAL_MS (default 40), ROUNDS
 * times (default 300), alternating nginx's floor (:9998) and the stack (:9999);
 * ONLY=floor or ONLY=stack sends to one of them. The stack's payments are real
 * ones, forwarded by the worker. Prints p50 and p99 of every payment and the
 * median time for a whole clump to be answered.
 * Usage: make up STACK=local, then node --import tsx bench/clump.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../src/http/node-http.ts';
import { percentile } from './report/render.ts';
import { timeOne, type Target } from './timed-request.ts';

const CLUMP = Number(process.env.CLUMP ?? 12);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 40);
const ROUNDS = Number(process.env.ROUNDS ?? 300);

const ONLY = process.env.ONLY ?? '';
const targets = (
  [
    { label: 'floor :9998', where: { host: '127.0.0.1', port: 9998 }, path: '/payments', pay: true, expect: 202 },
    { label: 'stack :9999', where: { host: '127.0.0.1', port: 9999 }, path: '/payments', pay: true, expect: 202 },
  ] satisfies Target[]
)
  .filter((t) => ONLY === '' || t.label.startsWith(ONLY))
  .map((target) => ({ target, agent: new http.Agent({ keepAlive: true, maxSockets: CLUMP }), all: [] as number[], whole: [] as number[] }));
const WARM_UP = 5; // clumps not counted: connections opened, code compiled
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  for (const t of targets) {
    const times = await Promise.all(Array.from({ length: CLUMP }, () => timeOne(t.target, t.agent))).catch((err: Error) => {
      console.error(`clump: ${err.message}; is the local stack up? (make up STACK=local)`);
      process.exit(2);
    });
    if (round >= WARM_UP) {
      t.all.push(...times);
      t.whole.push(Math.max(...times));
    }
    await sleep(INTERVAL_MS);
  }
}
for (const t of targets) {
  console.log(`${t.target.label}: clumps of ${CLUMP}, p50 ${percentile(t.all, 50).toFixed(2)} ms, p99 ${percentile(t.all, 99).toFixed(2)} ms, whole clump median ${percentile(t.whole, 50).toFixed(2)} ms`);
}
for (const t of targets) t.agent.destroy();
