import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedisConnection } from '../redis/connection.ts';
import { connectTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { clearQueue, isAccepted, isRecorded, logMembers, pushInflight } from '../store/inspect.ts';
import { encodeEntry, type Processor } from '../store/keys.ts';
import { record } from '../store/ledger.ts';
import { purge } from '../store/purge.ts';
import { enqueue } from '../store/queue.ts';
import { fold, pruneStep } from '../store/retention.ts';
import { ledgerTotals } from '../store/summary.ts';
import { NO_FROM, NO_TO } from '../time.ts';
import { Retention } from './retention.ts';
import { readBooks, bookProblems } from '../consistency/books.ts';

/**
 * Retention must never change a summary: folded ledger detail still answers
 * every from/to exactly, and a replay of an id whose guards were pruned is not
 * counted a second time.
 */
let server: TestRedis;
let redis: RedisConnection;

before(async () => {
  ({ server, redis } = await connectTestRedis({ offlineQueueLimit: 0 }));
});
after(() => redis.close().then(() => server.stop()));

interface Paid {
  id: string;
  processor: Processor;
  ms: number;
  cents: number;
}

/** Puts payments through the real path: accepted and queued, taken in flight, recorded. */
async function ledger(payments: Paid[], acceptedAtMs: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < payments.length; i += 100) {
    const batch = payments.slice(i, i + 100);
    for (const p of batch) await enqueue(redis, p.id, p.cents, acceptedAtMs);
    await clearQueue(redis);
    const entries = batch.map((p) => encodeEntry(p.id, p.cents, acceptedAtMs));
    await pushInflight(redis, 'w1', entries);
    const fresh = await record(
      redis,
      'w1',
      batch.map((p, j) => ({ payment: { id: p.id, cents: p.cents, acceptedAtMs, entry: entries[j]! }, entry: { processor: p.processor, requestedAtMs: p.ms, cents: p.cents } })),
    );
    out.push(...fresh);
  }
  return out;
}

function truth(payments: Paid[], p: Processor, from: number, to: number) {
  const hits = payments.filter((x) => x.processor === p && x.ms >= from && x.ms <= to);
  return { count: hits.length, cents: hits.reduce((s, x) => s + x.cents, 0) };
}

/** Random windows at ms granularity, biased to edges near payments and the horizons given. */
function windows(payments: Paid[], marks: number[], n: number): [number, number][] {
  const out: [number, number][] = [];
  const near = () => {
    const base = Math.random() < 0.5 ? payments[Math.floor(Math.random() * payments.length)]!.ms : marks[Math.floor(Math.random() * marks.length)]!;
    return base + Math.floor(Math.random() * 7) - 3;
  };
  for (let i = 0; i < n; i++) {
    const a = near();
    const b = Math.random() < 0.2 ? a : near();
    out.push([Math.min(a, b), Math.max(a, b)]);
  }
  out.push([NO_FROM, marks[1]!], [marks[1]!, NO_TO]);
  return out;
}

async function assertExact(payments: Paid[], wins: [number, number][], stage: string): Promise<void> {
  for (const p of ['default', 'fallback'] as const) {
    for (const [from, to] of wins) {
      assert.deepEqual(await ledgerTotals(redis, p, from, to), truth(payments, p, from, to), `${stage}: ${p} from ${from} to ${to}`);
    }
    assert.deepEqual(await ledgerTotals(redis, p, NO_FROM, NO_TO), truth(payments, p, NO_FROM, NO_TO), `${stage}: ${p} all time`);
  }
}

test('folding old ledger detail keeps every from/to summary exact, before, during and after', async () => {
  await purge(redis);
  const base = Date.UTC(2025, 6, 1, 12);
  // 3,000 payments over 20 s, many sharing a millisecond, on both processors.
  const payments: Paid[] = Array.from({ length: 3000 }, (_, i) => ({
    id: `fold-${i}`,
    processor: Math.random() < 0.7 ? 'default' : 'fallback',
    ms: base + Math.floor(Math.random() ** 2 * 20_000),
    cents: 1 + Math.floor(Math.random() * 100_000),
  }));
  assert.ok(
    (await ledger(payments, base - 1000)).every((fresh) => fresh),
    'every payment is recorded once',
  );
  const horizon = base + 7_357; // mid-bucket, so a bucket straddles it
  const wins = windows(payments, [base, horizon, base + 20_000], 400);
  await assertExact(payments, wins, 'unfolded');

  // A partial fold (small batches, stopped part-way) and then the rest up to the horizon.
  await fold(redis, 'default', horizon, 37);
  await assertExact(payments, wins, 'part-folded');
  for (const p of ['default', 'fallback'] as const) while ((await fold(redis, p, horizon, 100)) > 0);
  const left = await logMembers(redis, 'default', horizon);
  assert.equal(left.length, 0, 'nothing older than the horizon is left in the log');
  await assertExact(payments, wins, 'folded to the horizon');

  // A late record below the horizon (a payment settled long after), then folding everything.
  const late: Paid = { id: 'fold-late', processor: 'default', ms: base + 5, cents: 777 };
  await ledger([late], base - 1000);
  payments.push(late);
  await assertExact(payments, wins, 'late record beside folded detail');
  for (const p of ['default', 'fallback'] as const) while ((await fold(redis, p, base + 30_000, 500)) > 0);
  assert.equal((await logMembers(redis, 'default')).length, 0, 'the log is empty once everything is folded');
  await assertExact(payments, wins, 'all folded');

  const { books, sentNotProcessed } = await readBooks(redis, base + 30_000, 60_000);
  assert.deepEqual(bookProblems(books, sentNotProcessed), [], 'the consistency report counts folded members back in');
});

test('a replay of an id whose guards were pruned is released, not counted twice', async () => {
  await purge(redis);
  const day = 24 * 3600_000;
  const t0 = Date.UTC(2025, 6, 1, 12);
  await ledger([{ id: 'replayed', processor: 'default', ms: t0 + 10, cents: 1990 }], t0);
  // A day later the guards are pruned (the processor still holds the payment).
  for (let i = 0; i < 10 && !(await pruneStep(redis, t0 + day + 20)).passDone; i++);
  assert.equal(await isRecorded(redis, 'replayed'), false, 'the done entry is pruned');
  assert.equal(await isAccepted(redis, 'replayed'), false, 'the accepted entry is pruned with it');

  // The client sends it again: accepted anew; the processor answers 422 and its lookup gives the first requestedAt.
  const fresh = await ledger([{ id: 'replayed', processor: 'default', ms: t0 + 10, cents: 1990 }], t0 + day + 30);
  assert.deepEqual(fresh, [false], 'the replay is not recorded');
  assert.deepEqual(await ledgerTotals(redis, 'default', NO_FROM, NO_TO), { count: 1, cents: 1990 }, 'counted once');
  assert.deepEqual(await ledgerTotals(redis, 'default', t0, t0 + 20), { count: 1, cents: 1990 }, 'counted once in its window');
  assert.equal(await isAccepted(redis, 'replayed'), false, 'the replay leaves no accepted entry behind');
  const { books, sentNotProcessed } = await readBooks(redis, t0 + day + 40, 60_000);
  assert.deepEqual(bookProblems(books, sentNotProcessed), [], 'the consistency report sees nothing lost or doubled');

  // A payment first requested long after acceptance (within the retention) is still recorded.
  const slow = await ledger([{ id: 'slow', processor: 'default', ms: t0 + day + 3_600_000, cents: 500 }], t0 + day);
  assert.deepEqual(slow, [true], 'a genuine late request is recorded');
});

test('the worker starts a prune pass a tenth of the retention after start, not at once', async () => {
  await purge(redis);
  const t0 = Date.now() - 10_000;
  await ledger([{ id: 'old-guard', processor: 'default', ms: t0, cents: 100 }], t0);
  const retention = new Retention(redis, { detailMs: 3600_000, idempotencyMs: 1_000 }); // passes every 100 ms
  await retention.tick(Date.now());
  assert.equal(await isRecorded(redis, 'old-guard'), true, 'pruned before the first pass was due');
  await retention.tick(Date.now() + 150);
  assert.equal(await isRecorded(redis, 'old-guard'), false, 'not pruned once the pass was due');
});
