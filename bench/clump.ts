/**
 * Clumps of payments sent at once, as k6's VUs send them at the contest's peak:
 * CLUMP requests together, every INTERVAL_MS, ROUNDS times, alternating nginx's
 * floor (:9998) and the stack (:9999). Prints p50/p99 of all requests and the
 * median time for a whole clump to be answered.
 * Usage: make up STACK=local, then node --import tsx bench/clump.ts
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../src/http/node-http.ts';
import { percentile } from './report/render.ts';

const CLUMP = Number(process.env.CLUMP ?? 12);
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 40);
const ROUNDS = Number(process.env.ROUNDS ?? 300);

function post(port: number, agent: InstanceType<typeof http.Agent>): Promise<number> {
  const body = JSON.stringify({ correlationId: randomUUID(), amount: 19.9 });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, agent, method: 'POST', path: '/payments', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - started));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ONLY = process.env.ONLY ?? '';
const targets = [
  { label: 'floor :9998', port: 9998, agent: new http.Agent({ keepAlive: true, maxSockets: CLUMP }), all: [] as number[], whole: [] as number[] },
  { label: 'stack :9999', port: 9999, agent: new http.Agent({ keepAlive: true, maxSockets: CLUMP }), all: [] as number[], whole: [] as number[] },
].filter((t) => ONLY === '' || t.label.startsWith(ONLY));
for (let round = 0; round < ROUNDS + 5; round++) {
  for (const t of targets) {
    const times = await Promise.all(Array.from({ length: CLUMP }, () => post(t.port, t.agent)));
    if (round >= 5) {
      t.all.push(...times);
      t.whole.push(Math.max(...times));
    }
    await sleep(INTERVAL_MS);
  }
}
for (const t of targets) {
  const all = t.all.sort((a, b) => a - b);
  const whole = t.whole.sort((a, b) => a - b);
  console.log(`${t.label}: clumps of ${CLUMP}, p50 ${percentile(all, 50).toFixed(2)} ms, p99 ${percentile(all, 99).toFixed(2)} ms, whole clump median ${percentile(whole, 50).toFixed(2)} ms`);
}
for (const t of targets) t.agent.destroy();
