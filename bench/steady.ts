/**
 * Payments at a steady rate through the running local stack, and what each
 * service spent on them: its CPU (from /proc, user + system) from the first
 * request until 2 s after the last, per payment. The contest's middle stretch
 * without its peak, to compare builds or settings on one service's cost (e.g.
 * the worker with JOURNAL_DIR set or empty) without a full make bench.
 * Usage: make up STACK=local, then node --import tsx bench/steady.ts   (N payments, default 6000, at RATE/s, default 300)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../src/http/node-http.ts';
import { children, cpuSeconds } from './standin/local/procs.ts';
import { readState } from './standin/local/state.ts';
import { timeOne, type Target } from './timed-request.ts';

const N = Number(process.env.N ?? 6000);
const RATE = Number(process.env.RATE ?? 300);

const services = readState().filter((s) => ['api1', 'api2', 'worker', 'redis', 'nginx'].includes(s.name));
if (services.length === 0) {
  process.stderr.write('steady: no local stack runs; start it with make up STACK=local\n');
  process.exit(2);
}
// A service's processes: nginx's workers (and an API's cluster) are children of the pid recorded.
const cpu = () => services.map((s) => [s.pid, ...children(s.pid)].reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0));

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const stack: Target = { label: 'the stack (:9999)', where: { host: '127.0.0.1', port: 9999 }, path: '/payments', pay: true, expect: 202 };

const before = cpu();
const start = Date.now();
// Settled as they come: a refusal is counted, not an unhandled rejection mid-run.
const answers: Promise<boolean>[] = [];
for (let i = 0; i < N; i++) {
  const wait = start + (i * 1000) / RATE - Date.now();
  if (wait > 0) await sleep(wait);
  answers.push(timeOne(stack, agent).then(() => true, () => false));
}
const answered = await Promise.all(answers);
await sleep(2000); // the worker forwards what is still queued
const spent = cpu().map((after, i) => after - before[i]!);
agent.destroy();
const refused = answered.filter((ok) => !ok).length;
console.log(`${N} payments at ${RATE}/s${refused ? `, ${refused} not answered 202` : ''}; CPU per payment:`);
for (const [i, s] of services.entries()) console.log(`  ${s.name.padEnd(7)} ${Math.round((spent[i]! * 1e6) / N)} µs (${spent[i]!.toFixed(2)} s)`);
