/**
 * How long a wake-up takes on this machine: a byte sent to a second process over
 * a pipe every INTERVAL_MS ms and echoed back; the round trip is two wake-ups of
 * idle processes, the same as every hop of a request (k6 -> nginx -> API -> Redis
 * and back). Run by bench/run.ts beside the floor and beside the contest run, as
 * ordinary processes at normal CPU weight like k6: it measures the machine's
 * scheduling (other processes, the hypervisor), none of the stack's code.
 * Usage: node bench/wake-probe.ts <seconds>; prints one JSON line, in ms
 * (bench/run.ts starts it so: probeInChild).
 */
import { spawn } from 'node:child_process';
import { createHistogram } from 'node:perf_hooks';

const INTERVAL_MS = 5;
/** A Node program that writes back whatever it reads: the other end of a round trip. */
export const ECHO = "process.stdin.on('data', (b) => process.stdout.write(b))";

export interface WakeDelay {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export function probeWakeDelay(seconds: number): Promise<WakeDelay> {
  const echo = spawn(process.execPath, ['-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
  const histogram = createHistogram();
  const endAt = performance.now() + seconds * 1000;
  let sentAt = 0;
  return new Promise((resolve, reject) => {
    echo.on('error', reject);
    echo.stdout.on('data', () => {
      const now = performance.now();
      histogram.record(Math.max(1, Math.round((now - sentAt) * 1e6)));
      if (now < endAt) {
        setTimeout(ping, INTERVAL_MS);
        return;
      }
      echo.kill();
      const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
      resolve({ samples: histogram.count, p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), p999Ms: ms(histogram.percentile(99.9)), maxMs: ms(histogram.max) });
    });
    const ping = () => {
      sentAt = performance.now();
      echo.stdin.write('x');
    };
    // The first round trip waits for the echo process to start: not counted.
    echo.stdout.once('data', () => histogram.reset());
    ping();
  });
}

/**
 * The probe in a process of its own for `seconds`, beside a k6 run (so that the
 * runner's own event loop is not what is measured); null if it failed.
 */
export function probeInChild(seconds: number): Promise<WakeDelay | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [import.meta.filename, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('exit', () => {
      try {
        done(JSON.parse(out) as WakeDelay);
      } catch {
        done(null);
      }
    });
  });
}

if (import.meta.main) {
  const seconds = Number(process.argv[2]);
  if (!(seconds > 0)) {
    console.error(`wake-probe: expected a duration in seconds, got "${process.argv[2] ?? ''}"`);
    process.exit(2);
  }
  console.log(JSON.stringify(await probeWakeDelay(seconds)));
}
