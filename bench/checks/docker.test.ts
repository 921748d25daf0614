import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCompose, services } from '../standin/local/compose.ts';
import { appliedLimits, containerPids, stackContainers } from '../standin/docker/containers.ts';
import { purgeBackend } from '../purge.ts';
import { ProcessorClient } from '../../src/processor/client.ts';

/**
 * The Docker way end to end: make up STACK=docker (images built from the
 * Dockerfile, the processors from bench/standin/docker/processors.yml or their offline
 * stand-in), make smoke against it, the limits Docker applied, api1 and the
 * worker killed mid-run, and make down leaving nothing of ours. Skipped only
 * where no Docker engine with compose v2 answers, never in CI.
 */
const dockerReady = spawnSync('bench/standin/docker/check.sh', ['-q']).status === 0;
const make = (...args: string[]) =>
  execFileSync('make', ['-s', ...args, 'STACK=docker'], { encoding: 'utf8', timeout: 20 * 60_000, stdio: ['ignore', 'pipe', 'inherit'] });
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
/** The two processors on their published ports, through the service's own client. */
const PROCESSORS = [new ProcessorClient('default', 'http://127.0.0.1:8001', 'fetch', 1, '123'), new ProcessorClient('fallback', 'http://127.0.0.1:8002', 'fetch', 1, '123')] as const;
const PROJECTS = ['rinha-payments', 'payment-processors'];
let volumesBefore = new Set<string>();

test('CI has a Docker engine with compose v2 (make docker-ready)', { skip: process.env.CI !== 'true' }, () => {
  assert.ok(dockerReady, 'CI=true but no Docker engine with compose v2 answers: .ci/run must run make docker-ready before make test');
});

/** Containers, networks and volumes of our compose projects, and volumes created since the tests began (anonymous ones have no label). */
function leftovers(): string[] {
  const found = docker('volume', 'ls', '-q').split('\n').filter((v) => v && !volumesBefore.has(v)).map((v) => `volume ${v}`);
  for (const project of PROJECTS) {
    const label = `label=com.docker.compose.project=${project}`;
    found.push(...docker('ps', '-a', '--filter', label, '--format', 'container {{.Names}}').split('\n'));
    found.push(...docker('network', 'ls', '--filter', label, '--format', 'network {{.Name}}').split('\n'));
    found.push(...docker('volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}').split('\n').filter((v) => !found.includes(v)));
  }
  return found.filter(Boolean);
}

async function pay(id: string): Promise<number> {
  try {
    const res = await fetch('http://localhost:9999/payments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ correlationId: id, amount: 19.9 }),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function json(url: string, headers: Record<string, string> = {}): Promise<any> {
  return (await fetch(url, { headers })).json();
}

describe('make up with Docker', { skip: !dockerReady && 'no Docker engine with compose v2 answers (make docker-ready prepares one)' }, () => {
  before(() => {
    make('down');
    volumesBefore = new Set(docker('volume', 'ls', '-q').split('\n'));
    const out = make('up');
    console.log(out.split('\n').slice(-10).join('\n'));
  });
  after(() => {
    make('down');
  });

  test('each container runs with the limits, CPU weight and CPUs of the compose file', () => {
    const applied = appliedLimits();
    for (const spec of services(readCompose('deploy/docker-compose.yml'))) {
      const got = applied[spec.name];
      assert.ok(got, `${spec.name} has a container`);
      assert.equal(got.nanoCpus, Math.round(spec.cpus! * 1e9), `${spec.name} CPU limit`);
      assert.equal(got.memory, spec.memoryBytes, `${spec.name} memory limit`);
      assert.equal(got.cpuShares, spec.cpuShares ?? 0, `${spec.name} CPU weight`);
      assert.equal(got.cpuset, spec.cpuset ?? '', `${spec.name} CPUs`);
    }
    const total = Object.values(applied).reduce((sum, l) => ({ cpus: sum.cpus + l.nanoCpus / 1e9, memory: sum.memory + l.memory }), { cpus: 0, memory: 0 });
    assert.ok(total.cpus <= 1.5 + 1e-9 && total.memory <= 350 * 2 ** 20, `totals ${JSON.stringify(total)}`);
  });

  test('make smoke against the Docker stack: no inconsistency, lag >= 0, every accepted payment processed, per-container samples', () => {
    const output = make('smoke');
    const dir = /results: (\S+)\//.exec(output)?.[1];
    assert.ok(dir, `make smoke printed where its results are:\n${output.slice(-2000)}`);
    console.log(output.split('\n').filter((line) => line.startsWith('|')).join('\n'));
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    const score = JSON.parse(readFileSync(join(dir, 'score.json'), 'utf8'));
    assert.equal(score.summary.inconsistencies, 0);
    assert.ok(score.summary.lag >= 0, `lag ${score.summary.lag}`);
    assert.ok(score.summary.accepted > 1000, `accepted ${score.summary.accepted}`);
    assert.equal(result.processedAtEnd, score.summary.accepted);
    // RSS comes from each container's processes: a Node service shows tens of MB, not docker stats' figure.
    const samples = JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8'));
    const peak = (name: string) => Math.max(0, ...samples.rss.map((s: { bytes: Record<string, number> }) => s.bytes[name] ?? 0));
    for (const name of ['api1', 'api2', 'worker', 'nginx', 'redis']) assert.ok(peak(name) > 2 ** 20, `${name} RSS sampled: ${peak(name)}`);
    assert.ok(peak('api1') > 30 * 2 ** 20, `api1 peak RSS ${peak('api1')} bytes`);
    assert.ok(samples.queue.length > 0, 'the queue depth was sampled through Redis');
    // Within its limits, no service was killed for memory or restarted during the run.
    const states = docker('inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}} oom={{.State.OOMKilled}} restarts={{.RestartCount}}', ...stackContainers().map((c) => c.id));
    for (const line of states.split('\n')) assert.match(line, / oom=false restarts=0$/, line);
  });

  test('api1 and the worker killed mid-run (docker kill): no accepted payment lost or paid twice', async () => {
    await purgeBackend();
    for (const processor of PROCESSORS) await processor.purge();
    const accepted = new Set<string>();
    let sending = true;
    // Eight clients; a request that failed (a 502 from api1's death) is retried with the same id, as a client would.
    const clients = Array.from({ length: 8 }, async () => {
      while (sending) {
        const id = randomUUID();
        for (let attempt = 0; attempt < 5; attempt++) {
          const status = await pay(id);
          if (status === 202) {
            accepted.add(id);
            break;
          }
          await sleep(200);
        }
      }
    });
    await sleep(1500);
    const ids = Object.fromEntries(stackContainers().map((c) => [c.name, c.id]));
    docker('kill', ids.api1!, ids.worker!);
    await sleep(1500);
    make('up'); // starts again what was killed
    await sleep(1500);
    sending = false;
    await Promise.all(clients);
    assert.ok(accepted.size > 200, `accepted ${accepted.size}`);

    let summary: any;
    for (let i = 0; i < 300; i++) {
      summary = await json('http://localhost:9999/payments-summary');
      if (summary.default.totalRequests + summary.fallback.totalRequests >= accepted.size) break;
      await sleep(100);
    }
    const [def, fb] = await Promise.all([PROCESSORS[0].adminSummary(), PROCESSORS[1].adminSummary()]);
    assert.equal(summary.default.totalRequests + summary.fallback.totalRequests, accepted.size, 'every accepted payment processed, none twice');
    assert.equal(def.totalRequests, summary.default.totalRequests, 'default processor agrees with the backend');
    assert.equal(fb.totalRequests, summary.fallback.totalRequests, 'fallback processor agrees with the backend');
    assert.equal(def.totalRequests + fb.totalRequests, accepted.size, 'the processors hold each accepted payment once');
    const report = await json('http://localhost:9999/consistency-check');
    assert.equal(report.verdict.consistent, true, report.verdict.problems?.join('\n'));
    for (const name of ['api1', 'worker']) {
      const c = stackContainers().find((s) => s.name === name);
      assert.ok(c && containerPids(c).length > 0, `${name} runs again`);
    }
  });

  test('make down leaves no container, network or volume of ours', () => {
    make('down');
    assert.deepEqual(leftovers(), []);
  });
});
