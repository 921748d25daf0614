import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive, waitUntil } from './procs.ts';
import { JOURNAL, readState, REDIS_DATA, RUN, type RunningService } from './state.ts';
import { purgeBackend } from '../../purge.ts';
import { unpinNginxForFloor } from '../../floor-cpus.ts';
import { onlineCpus } from './cgroups.ts';
import { readCompose, services as composeServices } from './compose.ts';
import { ProcessorClient } from '../../../src/processor/client.ts';

/**
 * `make up` in local mode, end to end: the real nginx, two API processes, the
 * worker and Redis under their cgroup limits, simulators on :8001/:8002.
 */
const stack = (command: string, env: Record<string, string> = {}) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/standin/local/stack.ts', command], { env: { ...process.env, KEEP: '', ...env }, encoding: 'utf8', timeout: 60_000 });
/** The two processors on their published ports, through the service's own client. */
const PROCESSORS = [new ProcessorClient('default', 'http://127.0.0.1:8001', 'fetch', 1, '123'), new ProcessorClient('fallback', 'http://127.0.0.1:8002', 'fetch', 1, '123')] as const;
let services: RunningService[] = [];
const supervisorPid = (): number | null => (existsSync(join(RUN, 'supervisor.pid')) ? Number(readFileSync(join(RUN, 'supervisor.pid'), 'utf8')) : null);

before(() => {
  stack('down');
  stack('up');
  services = readState();
});
after(() => {
  stack('down');
});

async function pay(): Promise<{ id: string; status: number; instance: string | null }> {
  const id = randomUUID();
  const res = await fetch('http://localhost:9999/payments', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ correlationId: id, amount: 19.9 }),
  });
  await res.arrayBuffer();
  return { id, status: res.status, instance: res.headers.get('x-instance') };
}

const allowed = (pid: number) => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

async function waitForPayment(id: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await PROCESSORS[0].lookup(id, 1000).catch(() => null)) !== null) return true;
    await sleep(100);
  }
  return false;
}

describe('make up (local processes)', () => {
  test('every service of the compose file runs, each under its limits', () => {
    assert.deepEqual(services.filter((s) => !s.name.startsWith('processor-')).map((s) => s.name), ['redis', 'api1', 'api2', 'worker', 'nginx']);
    for (const s of services) assert.ok(alive(s.pid), `${s.name} is running`);
    const api1 = services.find((s) => s.name === 'api1')!;
    assert.match(api1.limits, /cgroup v[12]: cpu 0.3, shares 65536, memory 70MB|none \(/);
  });

  test("each service runs only on the compose file's CPUs: Redis and the worker on CPU 0, the request path and the processors on any", () => {
    const cpusets = new Map(composeServices(readCompose('deploy/docker-compose.yml')).map((spec) => [spec.name, spec.cpuset]));
    assert.deepEqual(['nginx', 'api1', 'api2', 'redis', 'worker'].map((name) => cpusets.get(name)), [null, null, null, '0', '0']);
    for (const s of services) {
      if (s.limits.startsWith('none')) continue; // no cgroups here: the first test says so
      // The simulated processors stand in for the contest's containers: never pinned.
      const expected = s.name.startsWith('processor-') ? onlineCpus() : cpusets.get(s.name) ?? onlineCpus();
      assert.equal(allowed(s.pid), expected, `${s.name} (${s.limits})`);
    }
  });

  test("for the benchmark's floor nginx runs on every CPU, and on the compose file's again after", () => {
    const nginx = services.find((s) => s.name === 'nginx')!;
    if (nginx.limits.startsWith('none')) return; // no cgroups here: nothing is pinned
    const pinned = composeServices(readCompose('deploy/docker-compose.yml')).find((spec) => spec.name === 'nginx')!.cpuset;
    const floor = unpinNginxForFloor('local');
    assert.equal(floor.note, pinned === null ? `${onlineCpus()} (nginx is not pinned)` : `${onlineCpus()} (the stack pins nginx to ${pinned})`);
    assert.equal(allowed(nginx.pid), onlineCpus());
    floor.restore();
    assert.equal(allowed(nginx.pid), pinned ?? onlineCpus());
  });

  test('payments through :9999 reach both API instances, and one stopped mid-run fails no request', async () => {
    await purgeBackend();
    for (const processor of PROCESSORS) await processor.purge();
    const served = new Map<string, number>();
    const statuses: number[] = [];
    const api1 = services.find((s) => s.name === 'api1')!;
    // Eight clients send back to back, so requests are in flight when api1 is told to stop.
    const clients = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 100; i++) {
        const r = await pay();
        statuses.push(r.status);
        served.set(String(r.instance), (served.get(String(r.instance)) ?? 0) + 1);
      }
    });
    await sleep(300);
    process.kill(api1.pid, 'SIGTERM');
    await Promise.all(clients);
    assert.deepEqual([...new Set(statuses)], [202], `statuses: ${JSON.stringify(statuses.filter((s) => s !== 202))}`);
    assert.ok((served.get('api1') ?? 0) > 0 && (served.get('api2') ?? 0) > 0, `served: ${JSON.stringify([...served])}`);
    // api1 drains for up to 3 s after SIGTERM (src/api/main.ts): the clients may be done sooner.
    await waitUntil('api1 gone after its drain', () => !alive(api1.pid), 5_000);

    let summary: { default: { totalRequests: number; totalAmount: number }; fallback: { totalRequests: number } } | null = null;
    for (let i = 0; i < 100; i++) {
      summary = await (await fetch('http://localhost:9999/payments-summary')).json();
      if (summary!.default.totalRequests + summary!.fallback.totalRequests === 800) break;
      await sleep(100);
    }
    const processor = await PROCESSORS[0].adminSummary();
    assert.equal(summary!.default.totalRequests, 800);
    assert.equal(processor.totalRequests, summary!.default.totalRequests);
    assert.equal(processor.totalAmount, summary!.default.totalAmount);
  });

  test('a worker killed with SIGKILL is restarted by the supervisor, and a payment posted afterwards is processed', async () => {
    const worker = readState().find((s) => s.name === 'worker')!;
    process.kill(worker.pid, 'SIGKILL');
    let restarted: RunningService | undefined;
    for (let i = 0; i < 100 && !restarted; i++) {
      await sleep(100);
      restarted = readState().find((s) => s.name === 'worker' && s.pid !== worker.pid && alive(s.pid));
    }
    assert.ok(restarted, 'a new worker process runs within 10 s');
    const payment = await pay();
    assert.equal(payment.status, 202);
    assert.ok(await waitForPayment(payment.id), 'the payment reached the processor through the restarted worker');
  });

  test('make up again keeps what runs and starts only what died, and the supervisor with it', async () => {
    // With the supervisor gone nothing restarts by itself: make up must.
    process.kill(supervisorPid()!, 'SIGKILL');
    const api1 = readState().find((s) => s.name === 'api1')!;
    const deadSegments = () => readdirSync(JOURNAL).filter((name) => name.startsWith(`api1-${api1.pid}-`));
    assert.ok(deadSegments().length > 0, 'api1 writes its own segment');
    process.kill(api1.pid, 'SIGKILL');
    for (let i = 0; i < 50 && alive(api1.pid); i++) await sleep(100);
    const before = new Map(readState().map((s) => [s.name, s.pid]));
    stack('up');
    const after = new Map(readState().map((s) => [s.name, s.pid]));
    assert.notEqual(after.get('api1'), before.get('api1'), 'api1 was started again');
    assert.ok(alive(after.get('api1')!), 'api1 runs');
    for (const name of ['api2', 'worker', 'redis', 'nginx']) assert.equal(after.get(name), before.get(name), `${name} kept running`);
    assert.ok(supervisorPid() !== null && alive(supervisorPid()!), 'the supervisor runs again');
    // The new api1 (a new pid) seals what the killed one left; the worker reads it and deletes it.
    await waitUntil('the killed api1 segment sealed and removed', () => deadSegments().length === 0, 5_000);
  });

  test('Redis killed mid-load refuses no payment and loses none: the journal holds them until Redis is back', async () => {
    await purgeBackend();
    for (const processor of PROCESSORS) await processor.purge();
    const accepted: string[] = [];
    let refused = 0;
    let sending = true;
    const clients = Array.from({ length: 8 }, async () => {
      while (sending) {
        const r = await pay();
        if (r.status === 202) accepted.push(r.id);
        else if (r.status === 503) refused++;
        else throw new Error(`unexpected status ${r.status}`);
      }
    });
    await sleep(1000);
    process.kill(readState().find((s) => s.name === 'redis')!.pid, 'SIGKILL');
    await sleep(500);
    stack('up'); // starts Redis again; it replays its append-only file
    await sleep(1000);
    sending = false;
    await Promise.all(clients);
    // POST /payments writes the journal, not Redis: the outage is the worker's to wait out.
    assert.equal(refused, 0, 'no request was refused during the outage');
    assert.ok(accepted.length > 0);
    for (let i = 0; i < accepted.length; i += 50) {
      const found = await Promise.all(accepted.slice(i, i + 50).map((id) => waitForPayment(id)));
      assert.deepEqual(found.filter((ok) => !ok), [], 'every accepted payment was processed');
    }
    const report = await (await fetch('http://localhost:9999/consistency-check')).json();
    assert.equal(report.verdict.consistent, true, report.verdict.problems.join('\n'));
  });

  test('make down stops every process it started, the supervisor first, and nothing comes back', async () => {
    const pids = [...readState().map((s) => s.pid), supervisorPid()!];
    stack('down');
    await sleep(1000); // a supervisor still running would have restarted something by now
    for (const pid of pids) assert.ok(!alive(pid), `pid ${pid} still running`);
    const leftovers = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('/.run/') || l.includes('dist/api/main.js') || l.includes('dist/worker/main.js') || l.includes('supervise.ts'));
    assert.deepEqual(leftovers, []);
    assert.equal(readState().length, 0);
    assert.equal(existsSync(REDIS_DATA), false, 'the Redis data went with the stack, as the Docker way drops its volumes');
    assert.equal(existsSync(JOURNAL), false, 'the journal too');
  });

  test('make down with KEEP=1 keeps the Redis data for the next make up', () => {
    mkdirSync(REDIS_DATA, { recursive: true });
    writeFileSync(join(REDIS_DATA, 'payments.aof.manifest'), '');
    stack('down', { KEEP: '1' });
    assert.ok(existsSync(join(REDIS_DATA, 'payments.aof.manifest')), 'kept');
    stack('down');
    assert.equal(existsSync(REDIS_DATA), false, 'removed without KEEP');
  });
});
