/**
 * End to end, with nothing faked but the processors: a real redis-server, two API
 * processes, one worker process and two processor simulators on loopback.
 * 5,000 payments go through both APIs while default fails for part of the run;
 * then the backend's books are compared with the processors' (whole window and
 * ten random sub-windows) and every payment is checked to be on exactly one side.
 *
 *   make e2e            (or: node --import tsx bench/e2e.ts [count])
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessorClient } from '../src/processor/client.ts';
import { startProcessor } from './standin/processor/processor.ts';
import { freePort, startRedis } from '../src/testing/redis-server.ts';

const COUNT = Number(process.argv[2] ?? 5000);
const RATE = 500; // payments per second, so default's failure spans a few seconds
const TOKEN = '123';
const children: ChildProcess[] = [];

function run(name: string, script: string, env: Record<string, string>): void {
  const child = spawn(process.execPath, [script], { env: { ...process.env, LOG_LEVEL: 'WARNING', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited early (${code ?? signal})`);
  });
  children.push(child);
}

let stopping = false;

async function json(url: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}`);
  return res.json();
}

async function main(): Promise<number> {
  const redis = await startRedis();
  const sims = [await startProcessor({ port: 0, fee: 0.05, token: TOKEN }), await startProcessor({ port: 0, fee: 0.15, token: TOKEN })];
  const [d, f] = sims.map((s) => s.url) as [string, string];
  const processors = { default: new ProcessorClient('default', d, 'http', 64, TOKEN), fallback: new ProcessorClient('fallback', f, 'http', 64, TOKEN) };
  const apis = [await freePort(), await freePort()].map((port) => `http://127.0.0.1:${port}`);
  const common = { REDIS_URL: redis.url, DEFAULT_PROCESSOR_URL: d, FALLBACK_PROCESSOR_URL: f };
  apis.forEach((url, i) => run(`api${i + 1}`, 'dist/api/main.js', { ...common, INSTANCE: `api${i + 1}`, PORT: new URL(url).port }));
  run('worker', 'dist/worker/main.js', { ...common, INSTANCE: 'worker', ROUTING_POLICY: process.env.ROUTING_POLICY ?? 'default-only', HTTP_CONNECTION_LIMIT: '100', HTTP_CONNECTION_LIMIT_PER_HOST: '64', BACKOFF_MAX: '1' });
  for (const api of apis) {
    for (let i = 0; !(await fetch(`${api}/ready`).then((r) => r.ok, () => false)); i++) {
      if (i > 100) throw new Error(`${api} not ready after 10 s`);
      await sleep(100);
    }
  }

  const setFailure = (failure: boolean) => processors.default.configure('failure', failure);
  const ids = Array.from({ length: COUNT }, () => randomUUID());
  const started = Date.now();
  console.log(`posting ${COUNT} payments at ${RATE}/s through ${apis.length} API instances; default fails from 30% to 60% of them`);
  for (let i = 0; i < COUNT; i += 50) {
    if (i === Math.floor(COUNT * 0.3 / 50) * 50) await setFailure(true);
    if (i === Math.floor(COUNT * 0.6 / 50) * 50) await setFailure(false);
    await Promise.all(
      ids.slice(i, i + 50).map(async (id, j) => {
        const amount = Number((1 + ((i + j) % 1000) / 100).toFixed(2));
        const res = await fetch(`${apis[(i + j) % apis.length]}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: id, amount }) });
        if (res.status !== 202) throw new Error(`POST /payments answered ${res.status}`);
        await res.arrayBuffer();
      }),
    );
    await sleep(Math.max(0, started + ((i + 50) * 1000) / RATE - Date.now()));
  }
  const posted = Date.now();
  console.log(`accepted ${COUNT} in ${posted - started} ms; waiting for the worker to drain`);
  let ours: any;
  for (;;) {
    ours = await json(`${apis[0]}/payments-summary`);
    if (ours.default.totalRequests + ours.fallback.totalRequests >= COUNT) break;
    if (Date.now() - posted > 60_000) throw new Error(`only ${ours.default.totalRequests + ours.fallback.totalRequests} of ${COUNT} processed after 60 s`);
    await sleep(100);
  }
  console.log(`drained ${Date.now() - posted} ms after the last accept`);

  let failures = 0;
  const compare = async (label: string, from: string | null = null, to: string | null = null) => {
    const query = from === null || to === null ? '' : `?from=${from}&to=${to}`;
    const [b, pd, pf] = await Promise.all([json(`${apis[1]}/payments-summary${query}`), processors.default.adminSummary(from, to), processors.fallback.adminSummary(from, to)]);
    const same = b.default.totalRequests === pd.totalRequests && b.default.totalAmount === pd.totalAmount && b.fallback.totalRequests === pf.totalRequests && b.fallback.totalAmount === pf.totalAmount;
    if (!same) failures++;
    console.log(
      `${same ? 'agree ' : 'DIFFER'} ${label.padEnd(44)} backend default ${b.default.totalRequests}/${b.default.totalAmount} fallback ${b.fallback.totalRequests}/${b.fallback.totalAmount}` +
        ` | processors default ${pd.totalRequests}/${pd.totalAmount} fallback ${pf.totalRequests}/${pf.totalAmount}`,
    );
  };
  await compare('whole window');
  const span = Date.now() - started;
  for (let i = 0; i < 10; i++) {
    const from = new Date(started + Math.floor(Math.random() * span * 0.8));
    const to = new Date(from.getTime() + 200 + Math.floor(Math.random() * span * 0.4));
    await compare(`${from.toISOString().slice(11)} .. ${to.toISOString().slice(11)}`, from.toISOString(), to.toISOString());
  }

  let lost = 0;
  let twice = 0;
  for (let i = 0; i < ids.length; i += 100) {
    await Promise.all(
      ids.slice(i, i + 100).map(async (id) => {
        const [a, b] = await Promise.all([processors.default.lookup(id, 5_000), processors.fallback.lookup(id, 5_000)]);
        if (a === null && b === null) lost++;
        if (a !== null && b !== null) twice++;
      }),
    );
  }
  console.log(`payments checked one by one on both processors: ${COUNT - lost - twice} once, ${lost} lost, ${twice} on both`);
  const ok = failures === 0 && lost === 0 && twice === 0;
  console.log(ok ? 'RESULT: consistent' : 'RESULT: INCONSISTENT');
  stopping = true;
  children.forEach((c) => c.kill('SIGTERM'));
  processors.default.close();
  processors.fallback.close();
  await Promise.all(sims.map((s) => s.close()));
  await redis.stop();
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`e2e failed: ${err.message}`);
    stopping = true;
    children.forEach((c) => c.kill('SIGKILL'));
    process.exit(1);
  },
);
