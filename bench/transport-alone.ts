/**
 * What the worker's HTTP calls cost alone: the processor client (the worker's
 * own transport, no Redis, no bookkeeping) posting PAYMENTS
 * payments to URL, CONCURRENCY at a time. Started by bench/drain.ts with the
 * worker's node flags inside the worker's cgroup, on the built code (make build);
 * prints one JSON line:
 * { seconds, cpuSeconds } measured around the posting loop only.
 */
import { randomUUID } from 'node:crypto';
import type { TransportKind } from '../src/processor/transport.ts';

// The built client, as the worker runs it: this file runs on plain node (type stripping), no loader.
const { ProcessorClient } = (await import('../dist/processor/client.js' as string)) as typeof import('../src/processor/client.ts');

const url = process.env.URL!;
const payments = Number(process.env.PAYMENTS);
const concurrency = Number(process.env.CONCURRENCY);
const client = new ProcessorClient('default', url, process.env.TRANSPORT as TransportKind, concurrency);

const ids = Array.from({ length: payments }, () => randomUUID());
let next = 0;
async function lane(): Promise<void> {
  while (next < ids.length) {
    const outcome = await client.pay(ids[next++]!, 1990, Date.now(), 2_500);
    if (outcome.kind !== 'ok') throw new Error(`the processor answered ${JSON.stringify(outcome)}`);
  }
}

const cpuAtStart = process.cpuUsage();
const startedAt = Date.now();
await Promise.all(Array.from({ length: concurrency }, lane));
const cpu = process.cpuUsage(cpuAtStart);
console.log(JSON.stringify({ seconds: (Date.now() - startedAt) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
client.close();
