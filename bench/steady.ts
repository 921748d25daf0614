/**
 * Payments at a steady rate through the running local stack, and what each
 * service spent on them: its CPU (from /proc, user + system) from the first
 * request until 2 s after the last, per payment. The contest's middle stretch
 * without its peak, to compare builds or settings on one service's cost (e.g.
 * the worker with JOURNAL_DIR set or empty) without a full make bench.
 * Usage: make up STACK=local, then node --import tsx bench/steady.ts   (N payments, default 6000, at RATE/s, default 300)
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../src/http/node-http.ts';
import { cpuSeconds } from './standin/local/procs.ts';
import { readState } from './standin/local/state.ts';

const N = Number(process.env.N ?? 6000);
const RATE = Number(process.env.RATE ?? 300);

const services = readState().filter((s) => ['api1', 'api2', 'worker', 'redis', 'nginx'].includes(s.name));
if (services.length === 0) {
  process.stderr.write('steady: no local stack runs; start it with make up STACK=local\n');
  process.exit(2);
}
const cpu = () => services.map((s) => cpuSeconds(s.pid) ?? 0);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(): Promise<number> {
  const body = JSON.stringify({ correlationId: randomUUID(), amount: 19.9 });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: 9999, path: '/payments', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const before = cpu();
const start = Date.now();
const answers: Promise<number>[] = [];
for (let i = 0; i < N; i++) {
  const wait = start + (i * 1000) / RATE - Date.now();
  if (wait > 0) await sleep(wait);
  answers.push(post());
}
const statuses = await Promise.all(answers);
await sleep(2000); // the worker forwards what is still queued
const spent = cpu().map((after, i) => after - before[i]!);
agent.destroy();
const refused = statuses.filter((s) => s !== 202).length;
console.log(`${N} payments at ${RATE}/s${refused ? `, ${refused} not answered 202` : ''}; CPU per payment:`);
for (const [i, s] of services.entries()) console.log(`  ${s.name.padEnd(7)} ${Math.round((spent[i]! * 1e6) / N)} µs (${spent[i]!.toFixed(2)} s)`);
