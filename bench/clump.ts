/**
 * Clumps of payments sent at once, as k6's VUs send them at the contest's peak:
 * CLUMP requests together (default 12), every INTERVAL_MS (default 40), ROUNDS
 * times (default 300), alternating nginx's floor (:9998) and the stack (:9999);
 * ONLY=floor or ONLY=stack sends to one of them. The stack's payments are real
 * ones, forwarded by the worker. Prints p50 and p99 of every payment and the
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
        if (res.statusCode !== 202) return reject(new Error(`clump: POST to :${port} answered ${res.statusCode}, expected 202`));
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
const WARM_UP = 5; // clumps not counted: connections opened, code compiled
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  for (const t of targets) {
    const times = await Promise.all(Array.from({ length: CLUMP }, () => post(t.port, t.agent))).catch((err: Error) => {
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
  console.log(`${t.label}: clumps of ${CLUMP}, p50 ${percentile(t.all, 50).toFixed(2)} ms, p99 ${percentile(t.all, 99).toFixed(2)} ms, whole clump median ${percentile(t.whole, 50).toFixed(2)} ms`);
}
for (const t of targets) t.agent.destroy();
