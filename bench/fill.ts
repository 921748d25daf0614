import { randomUUID } from 'node:crypto';
import { backendSummary, startStack, waitFor } from '../src/testing/stack.ts';
import { acceptedCount, recordedCount } from '../src/store/inspect.ts';
import { PROCESSORS } from '../src/store/keys.ts';
import { fold, pruneStep } from '../src/store/retention.ts';
import { memoryFigures } from '../src/store/server.ts';

/**
 * Posts payments until the API refuses them (Redis near maxmemory), checking
 * after every round that the backend's books match the processors' admin
 * summaries once the queue is drained, then measures Redis memory per payment
 * at each retention stage. Usage: node --import tsx bench/fill.ts [maxmemory]
 */
const maxmemory = process.argv[2] ?? '8mb';
const stack = await startStack({ maxmemory, refuseAt: 0.9 });
stack.startWorker({ LOG_LEVEL: 'ERROR' });
const used = async () => (await memoryFigures(stack.redis)).usedBytes;

async function booksMatch(accepted: number): Promise<{ books: number; processors: number }> {
  await waitFor('queue drained into the books', async () => {
    const s = await backendSummary(stack.api);
    return s.default.totalRequests + s.fallback.totalRequests === accepted;
  }, 60_000);
  const s = await backendSummary(stack.api);
  const [d, f] = await Promise.all([stack.processors.default.summary(), stack.processors.fallback.summary()]);
  const books = s.default.totalRequests + s.fallback.totalRequests;
  const processors = d.totalRequests + f.totalRequests;
  if (books !== processors || s.default.totalAmount !== d.totalAmount || s.fallback.totalAmount !== f.totalAmount) {
    throw new Error(`books ${JSON.stringify(s)} differ from processors ${JSON.stringify({ d, f })}`);
  }
  return { books, processors };
}

const baseline = await used();
let accepted = 0;
let refusedWith = '';
let refusals = 0;
const otherErrors = new Map<string, number>();
let round = 0;
const started = Date.now();
// Post in rounds of 200; every 10th round, wait for the books and compare them with the processors.
while (refusals < 1000) {
  const replies = await Promise.all(
    Array.from({ length: 200 }, async () => {
      const res = await fetch(`${stack.api}/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ correlationId: randomUUID(), amount: 19.9 }) });
      return { status: res.status, body: await res.text() };
    }),
  );
  for (const r of replies) {
    if (r.status === 202) accepted++;
    else if (r.status === 503 && r.body.includes('nearly full')) {
      refusals++;
      refusedWith = r.body;
    } else {
      const key = `${r.status} ${r.body.trim()}`;
      otherErrors.set(key, (otherErrors.get(key) ?? 0) + 1);
    }
  }
  if (++round % 10 === 0 || refusals > 0) {
    const m = await booksMatch(accepted);
    if (round % 10 === 0) console.log(`round ${round}: ${accepted} accepted, books ${m.books} = processors ${m.processors}, used_memory ${(await used()).toLocaleString()} bytes`);
  }
}
const m = await booksMatch(accepted);
const full = await used();
console.log(`maxmemory ${maxmemory}: ${accepted} payments accepted in ${((Date.now() - started) / 1000).toFixed(1)} s, then ${refusals} refused with 503 ${refusedWith}; other answers: ${otherErrors.size === 0 ? 'none' : [...otherErrors].map(([k, n]) => `${n} x ${k}`).join('; ')}`);
console.log(`books ${m.books} = processors ${m.processors} (count and amount, both processors); nothing lost`);
console.log(`memory per payment, all retained (guards + ledger detail): ${Math.round((full - baseline) / accepted)} bytes (used_memory ${baseline.toLocaleString()} -> ${full.toLocaleString()})`);
for (const p of PROCESSORS) while ((await fold(stack.redis, p, Date.now() + 1, 500)) > 0);
const folded = await used();
console.log(`after folding the detail (LEDGER_DETAIL_RETENTION passed): ${Math.round((folded - baseline) / accepted)} bytes per payment`);
// Two passes: the worker's own retention steps share the HSCAN cursor and may end a pass early.
for (let pass = 0; pass < 2; pass++) while (!(await pruneStep(stack.redis, Date.now() + 1, 1000)).passDone);
const left = await Promise.all([acceptedCount(stack.redis), recordedCount(stack.redis)]);
console.log(`guards left after pruning: accepted ${left[0]}, done ${left[1]}`);
const pruned = await used();
console.log(`after pruning the guards too (IDEMPOTENCY_RETENTION passed): ${Math.round((pruned - baseline) / accepted)} bytes per payment`);
const after = await booksMatch(accepted);
console.log(`books after folding and pruning: ${after.books} = processors ${after.processors}`);
await stack.close();
