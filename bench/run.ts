/**
 * `make bench` (full: 60 s, 550 VUs) and `make smoke` (20 s, 150 VUs):
 * the contest's k6 scenario against :9999, next to the same load against a
 * static nginx location (the floor), with samples of every service, a table
 * and a picture. Results go to bench/results/<timestamp>/; a full run also
 * refreshes bench/latest/ (committed, shown in docs/benchmarks.md).
 * RUNS=n repeats the run n times against the same stack and ends with one line
 * per run (the table of runs in the README) and how many runs met each goal
 * (report/series.ts), also written to bench/results/<timestamp>-series.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpStatus } from './standin/local/procs.ts';
import { containerAddress } from './standin/docker/containers.ts';
import { readCompose, services as composeServices } from './standin/local/compose.ts';
import { STAGES } from './k6/lib/stages.js';
import { purgeToken } from './purge.ts';
import { readPaymentTimings } from './k6summary.ts';
import { renderReport } from './report/render.ts';
import { forwardedIn, recoveryAtMs, recoveryWindow } from './recovery.ts';
import { runRows, type RunFigures, type Score } from './report/run-table.ts';
import { seriesText, type RunOutcome } from './report/series.ts';
import { Sampler } from './sampler.ts';
import { hostShare, readCpuTicks } from './host-cpu.ts';
import { unpinNginxForFloor } from './floor-cpus.ts';
import { probeInChild } from './wake-probe.ts';

const ROOT = resolve(import.meta.dirname, '..');
const mode = process.argv[2] === 'full' ? 'full' : 'smoke';
const duration = Number(process.env.DURATION_SECONDS ?? (mode === 'full' ? 60 : 20));
const vus = Number(process.env.MAX_REQUESTS ?? (mode === 'full' ? 550 : 150));
// The floor runs the same ramp for as long as the run itself: its p99 is the one of the
// same load. A 20 s floor reached the peak rate for a third of the time and read lower
// (docs/benchmarks.md, "How make bench measures").
const floorSeconds = duration;

function k6Binary(): string {
  const home = join(process.env.HOME ?? '/root', 'go/bin/k6');
  if (spawnSync('k6', ['version'], { stdio: 'ignore' }).status === 0) return 'k6';
  if (existsSync(home)) return home;
  throw new Error('k6 not found: run make k6 (needs Go) or put k6 v1.1.0 on PATH');
}

function runK6(args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((done) => {
    const child = spawn(k6Binary(), ['run', ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    child.on('exit', (code) => done(code ?? 1));
  });
}

/** What one run contributes to a series: k6's exit code, its line in the table of runs, and its figures against the goals. */
interface RunResult {
  code: number;
  row: string;
  outcome: RunOutcome;
}

async function main(): Promise<RunResult> {
  if ((await httpStatus({ port: 9999 }, '/payments-summary')) !== 200) {
    console.log('the stack is not up: running make up');
    if (spawnSync('make', ['up'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('make up failed');
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const dir = join(ROOT, 'bench/results', `${stamp}-${mode}`);
  mkdirSync(dir, { recursive: true });
  const common = ['-e', `RESULTS_DIR=${dir}`, '-e', `MAX_REQUESTS=${vus}`];

  // The floor's port is not published by the compose file: in Docker, reach nginx on its bridge address.
  const floorHost = process.env.STACK === 'docker' ? containerAddress('nginx') : 'localhost';
  if (!floorHost) throw new Error('the Docker stack has no running nginx: make up');
  console.log(`\n== floor: ${floorSeconds} s of the same ramp against nginx answering 202 by itself (${floorHost}:9998)`);
  const hostBeforeFloor = readCpuTicks();
  const floorWake = probeInChild(floorSeconds);
  const floorCpus = unpinNginxForFloor(process.env.STACK === 'docker' ? 'docker' : 'local');
  console.log(`nginx on CPUs ${floorCpus.note} for the floor`);
  try {
    await runK6(['--quiet', ...common, '-e', `DURATION_SECONDS=${floorSeconds}`, '-e', `FLOOR_URL=http://${floorHost}:9998/payments`, 'bench/k6/floor.js']);
  } finally {
    floorCpus.restore();
  }
  const hostAfterFloor = readCpuTicks();
  const floorHostShare = hostBeforeFloor && hostAfterFloor ? hostShare(hostBeforeFloor, hostAfterFloor) : null;
  const floor = JSON.parse(readFileSync(join(dir, 'floor.json'), 'utf8')) as { p99_ms: number };

  console.log(`\n== ${mode}: ${duration} s, up to ${vus} VUs against :9999`);
  const startMs = Date.now();
  const sampler = new Sampler(startMs);
  await sampler.start();
  const runWake = probeInChild(duration);
  // The stack's PURGE_TOKEN, wherever make up found it (the environment or .env), for the setup's purge.
  const token = purgeToken();
  const code = await runK6([...common, '-e', `DURATION_SECONDS=${duration}`, 'bench/k6/contest.js'], token === undefined ? {} : { PURGE_TOKEN: token });
  const wake = { floor: await floorWake, run: await runWake };
  const timings = readPaymentTimings(join(dir, 'k6-summary.json'));

  // The queue is drained when queue + in-flight first reads zero after the last request.
  let drainedAt = Date.now();
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(50)) {
    if ((await sampler.depth()) === 0) break;
    drainedAt = Date.now();
  }
  const lastZero = sampler.samples.queue.find((s) => s.tMs >= timings.lastRequestMs - startMs && s.depth === 0);
  const drainMs = Math.max(0, (lastZero ? startMs + lastZero.tMs : drainedAt) - timings.lastRequestMs);
  await sampler.stop();

  const summary = await (await fetch('http://localhost:9999/payments-summary')).json();
  const processedAtEnd = summary.default.totalRequests + summary.fallback.totalRequests;
  const score = JSON.parse(readFileSync(join(dir, 'score.json'), 'utf8')).summary as Score;
  const recoveryAt = recoveryAtMs(duration);
  const recovery = recoveryAt === null ? null : recoveryWindow(sampler.samples, timings.startedAtMs - startMs + recoveryAt);
  const forwarded = recovery ? await forwardedIn('http://localhost:9999', startMs, recovery) : { inWindow: 0, whileFalling: 0 };
  const limits = new Map(composeServices(readCompose(join(ROOT, 'deploy/docker-compose.yml'))).map((s) => [s.name, s.memoryBytes]));
  const figures: RunFigures = {
    startMs,
    score,
    floorP99Ms: floor.p99_ms,
    floorCpus: floorCpus.note,
    processedAtEnd,
    drainMs: sampler.queueVisible ? drainMs : null,
    samples: sampler.samples,
    limits,
    recovery,
    forwarded,
    wake,
    floorHost: floorHostShare,
  };
  const { table, row, outcome } = runRows(figures);
  const text = table.map((row) => `| ${row.label.padEnd(40)} | ${row.value.padEnd(24)} |`).join('\n');
  console.log(`\n${text}\n`);

  // k6 counts seconds from the scenario's start; the samples count from startMs.
  const offset = Math.round((timings.startedAtMs - startMs) / 1000);
  const latency = timings.perSecond.map((s) => ({ ...s, second: s.second + offset }));
  // The floor's second s is the run's second s of the same ramp.
  const floorLatency = readPaymentTimings(join(dir, 'floor-summary.json')).perSecond.map((s) => ({ ...s, second: s.second + offset }));
  const title = `make ${mode === 'full' ? 'bench' : 'smoke'}: ${new Date(startMs).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${duration} s, ${vus} VUs`;
  const report = renderReport({
    title,
    startMs,
    durationSeconds: duration,
    stages: STAGES.map(({ at, label }) => ({ atSeconds: (at * duration) / 60, label })),
    latency,
    floorP99Ms: floor.p99_ms,
    floorLatency,
    queue: sampler.samples.queue,
    rss: sampler.samples.rss,
    cpu: sampler.samples.cpu,
    table,
  });
  const result = { mode, startMs, duration, vus, score, floor, wake, drainMs, recovery: recovery && { ...recovery, forwarded }, processedAtEnd, k6ExitCode: code, memoryPeak: sampler.samples.memoryPeak, memoryLimit: Object.fromEntries(limits), table };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
  writeFileSync(join(dir, 'samples.json'), JSON.stringify(sampler.samples));
  writeFileSync(join(dir, 'table.md'), `${title}\n\n| measure | value |\n|---|---|\n${table.map((r) => `| ${r.label} | ${r.value} |`).join('\n')}\n`);
  writeFileSync(join(dir, 'report.svg'), report.svg);
  writeFileSync(join(dir, 'report.html'), report.html);
  if (mode === 'full') {
    mkdirSync(join(ROOT, 'bench/latest'), { recursive: true });
    for (const file of ['table.md', 'report.svg', 'report.html', 'score.json']) copyFileSync(join(dir, file), join(ROOT, 'bench/latest', file));
  }
  console.log(`results: ${dir.replace(ROOT + '/', '')}/ (report.html, table.md, score.json, samples.json)`);
  return { code, row, outcome };
}

/** RUNS=n: n runs in a row, then their table of runs and the goals each met; exits with the first non-zero k6 code. */
async function series(runs: number): Promise<number> {
  const results: RunResult[] = [];
  for (let i = 1; i <= runs; i++) {
    if (runs > 1) console.log(`\n==== run ${i} of ${runs}`);
    results.push(await main());
  }
  if (runs > 1) {
    const text = seriesText(results, mode === 'full');
    const file = join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-series.md`);
    writeFileSync(file, `${text}\n`);
    console.log(`\n${runs} runs (${file.replace(ROOT + '/', '')}):\n\n${text}\n`);
  }
  return results.find((r) => r.code !== 0)?.code ?? 0;
}

const runs = Number(process.env.RUNS ?? 1);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`RUNS: expected a whole number of runs, 1 or more, got "${process.env.RUNS}"`);
  process.exit(2);
}
series(runs).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
