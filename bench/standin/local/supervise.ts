/**
 * The local stack's restart policy, as compose's `restart: unless-stopped`:
 * a service that exits (a crash, the worker's lease, the OOM killer) is started
 * again, after 0.1 s, then 0.2, 0.4 ... up to 5 s while it keeps dying; a service
 * that stayed up 10 s starts over at 0.1 s. `make up` starts this process and
 * `make down` stops it before stopping anything, so a deliberate stop is not
 * undone. The processor simulators stand in for external services: not restarted.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { restartService } from './launch.ts';
import { ours, readState, RUN, standsIn, writeState } from './state.ts';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;
const HEALTHY_AFTER_MS = 10_000;
/** How often services are looked at: /proc reads only, a few per service. */
const POLL_MS = 250;

interface Backoff {
  delayMs: number;
  startedAt: number;
  /** When a restart is due; null while the service runs. */
  dueAt: number | null;
}

const backoff = new Map<string, Backoff>();
const startedAt = Date.now();

function say(message: string): void {
  appendFileSync(join(RUN, 'logs', 'supervisor.log'), `${new Date().toISOString()} ${message}\n`);
}

/** One look at every service; synchronous, so a SIGTERM never lands halfway through a restart. */
function tick(): void {
  const state = readState();
  const now = Date.now();
  let changed = false;
  state.forEach((service, i) => {
    if (standsIn(service)) return;
    const b = backoff.get(service.name) ?? { delayMs: FIRST_DELAY_MS, startedAt, dueAt: null };
    backoff.set(service.name, b);
    if (ours(service)) return;
    if (b.dueAt === null) {
      if (now - b.startedAt >= HEALTHY_AFTER_MS) b.delayMs = FIRST_DELAY_MS;
      b.dueAt = now + b.delayMs;
      say(`${service.name} (pid ${service.pid}) is not running: restarting in ${b.delayMs} ms`);
      b.delayMs = Math.min(b.delayMs * 2, MAX_DELAY_MS);
      return;
    }
    if (now < b.dueAt) return;
    try {
      state[i] = restartService(service.name);
      say(`${service.name} restarted as pid ${state[i]!.pid}`);
    } catch (err) {
      say(`${service.name} could not be restarted: ${(err as Error).message}; trying again`);
    }
    b.startedAt = now;
    b.dueAt = null;
    changed = true;
  });
  if (changed) writeState(state);
}

const timer = setInterval(tick, POLL_MS);
process.on('SIGTERM', () => {
  clearInterval(timer);
  say('stopped');
  process.exit(0);
});
say(`watching ${readState().map((s) => s.name).join(', ')}`);
