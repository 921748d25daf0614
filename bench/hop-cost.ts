/**
 * What one hop costs when the next process is on the same CPU or on the other
 * one: a byte echoed back and forth over pipes between two Node processes,
 * back to back (each waits for the other, as nginx waits for an API and an API
 * for Redis), both pinned with taskset. The difference between the two is what
 * waking a process on another vCPU adds to every hop (an interrupt to that vCPU,
 * and on this VM an exit to the host when it had halted).
 * Usage: node bench/hop-cost.ts   (ROUND_TRIPS per round, default 5000; ROUNDS, default 5)
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { percentile } from './report/render.ts';
import { ECHO } from './wake-probe.ts';

const ROUND_TRIPS = Number(process.env.ROUND_TRIPS ?? 5000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** Microseconds per round trip (two wake-ups) between this process on `here` and an echo on `there`. */
async function roundTrip(here: number, there: number): Promise<number> {
  execFileSync('taskset', ['-a', '-p', '-c', String(here), String(process.pid)], { stdio: 'ignore' });
  const echo = spawn('taskset', ['-c', String(there), process.execPath, '-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
  const byte = Buffer.from('x');
  let left = ROUND_TRIPS + 500; // the first 500 warm both processes up, uncounted
  let startedAt = 0;
  const done = new Promise<number>((resolve) => {
    echo.stdout.on('data', () => {
      if (--left === ROUND_TRIPS) startedAt = performance.now();
      if (left > 0) return void echo.stdin.write(byte);
      resolve(((performance.now() - startedAt) * 1000) / ROUND_TRIPS);
    });
  });
  echo.stdin.write(byte);
  const us = await done;
  echo.kill();
  await once(echo, 'exit');
  return us;
}

const cpus = Number(execFileSync('nproc', { encoding: 'utf8' }));
if (cpus < 2) {
  console.error('hop-cost: needs two CPUs (nproc says 1)');
  process.exit(1);
}
const cases = [
  { name: 'same CPU (1 and 1)', here: 1, there: 1, us: [] as number[] },
  { name: 'across CPUs (0 and 1)', here: 0, there: 1, us: [] as number[] },
];
console.log(`Round trip between two Node processes over pipes, back to back, ${ROUND_TRIPS} a round, ${ROUNDS} rounds, taking turns:`);
for (let round = 1; round <= ROUNDS; round++) for (const c of cases) c.us.push(await roundTrip(c.here, c.there));
for (const c of cases) console.log(`  ${c.name}: median ${percentile(c.us, 50).toFixed(1)} µs (${Math.min(...c.us).toFixed(1)}–${Math.max(...c.us).toFixed(1)})`);
