import type { ProcessorUrls } from '../config.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { latestLedgered } from '../store/books.ts';
import { PROCESSORS, type Processor } from '../store/keys.ts';
import { describeFailure, ProcessorClient } from '../processor/client.ts';

/** At most 200 ids: up to 40 in flight, the rest the most recent of each processor's ledger. */
const IN_FLIGHT_IDS = 40;
const PER_LEDGER = 80;
/** Ids looked up at once, each on both processors: 20 requests at a time. */
const CONCURRENCY = 10;

export interface Finding {
  correlationId: string;
  /** Where the ledger puts it, or 'in-flight' when the ledger has it not yet. */
  ledger: Processor | 'in-flight';
  /** The processors that hold it. */
  at: Processor[];
  detail?: string;
}

export type DeepSection =
  | { checked: 0; skipped: string }
  | {
      checked: number;
      sampled: { ledgered: number; inFlight: number };
      wrongSide: Finding[];
      onBoth: Finding[];
      missingAtProcessor: Finding[];
      mismatched: Finding[];
      /** In flight yet already at a processor: normal while the worker records it. */
      awaitingLedger: Finding[];
      failedLookups: number;
      errors: string[];
    };

interface Sampled {
  id: string;
  ledger: Processor | 'in-flight';
  cents?: number;
  requestedAtMs?: number;
}

/** Looks each sampled id up on both processors with GET /payments/{id}; stops starting lookups at the deadline. */
export async function deepCheck(redis: RedisConnection, urls: ProcessorUrls, inFlightIds: string[], timeoutMs: number, deadlineMs: number): Promise<DeepSection> {
  const sample = await sampleIds(redis, inFlightIds);
  const section = {
    checked: 0,
    sampled: { ledgered: sample.filter((s) => s.ledger !== 'in-flight').length, inFlight: sample.filter((s) => s.ledger === 'in-flight').length },
    wrongSide: [] as Finding[],
    onBoth: [] as Finding[],
    missingAtProcessor: [] as Finding[],
    mismatched: [] as Finding[],
    awaitingLedger: [] as Finding[],
    failedLookups: 0,
    errors: [] as string[],
  };
  const clients = PROCESSORS.map((p) => new ProcessorClient(p, urls[p], 'http', CONCURRENCY));
  const stop = Date.now() + deadlineMs;
  let next = 0;
  const lane = async () => {
    while (next < sample.length && Date.now() < stop) {
      const s = sample[next++]!;
      const rows = await Promise.all(clients.map((client) => client.lookup(s.id, timeoutMs).then((row) => ({ row, error: null }), (err: unknown) => ({ row: null, error: `${client.name}: ${describeFailure(err)}` }))));
      const errors = rows.flatMap((r) => (r.error ? [r.error] : []));
      if (errors.length > 0) {
        section.failedLookups++;
        for (const e of errors) if (section.errors.length < 5 && !section.errors.includes(e)) section.errors.push(e);
        continue;
      }
      section.checked++;
      const at = PROCESSORS.filter((_, i) => rows[i]!.row !== null);
      const finding: Finding = { correlationId: s.id, ledger: s.ledger, at };
      if (at.length === 2) section.onBoth.push(finding);
      else if (s.ledger === 'in-flight') {
        if (at.length === 1) section.awaitingLedger.push(finding);
      } else if (at.length === 0) section.missingAtProcessor.push(finding);
      else if (at[0] !== s.ledger) section.wrongSide.push(finding);
      else {
        const row = rows[PROCESSORS.indexOf(s.ledger)]!.row!;
        if (row.cents !== s.cents || row.requestedAtMs !== s.requestedAtMs) {
          finding.detail = `ledger ${s.cents} cents at ${iso(s.requestedAtMs)}, processor ${row.cents} cents at ${iso(row.requestedAtMs)}`;
          section.mismatched.push(finding);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane)).finally(() => clients.forEach((c) => c.close()));
  if (next < sample.length) section.errors.push(`deadline reached: ${sample.length - next} ids not looked up`);
  return section;
}

export function deepFindings(deep: DeepSection | null): { problems: string[]; notes: string[] } {
  if (!deep) return { problems: [], notes: [] };
  if (!('sampled' in deep)) return { problems: [], notes: [`deep check skipped: ${deep.skipped}`] };
  const problems: string[] = [];
  const list = (findings: Finding[], what: string) => {
    if (findings.length > 0) problems.push(`${findings.length} ${what}: ${findings.slice(0, 3).map((f) => f.correlationId).join(', ')}${findings.length > 3 ? ', ...' : ''}`);
  };
  list(deep.onBoth, 'payment(s) on both processors');
  list(deep.wrongSide, 'payment(s) ledgered on one processor but held by the other');
  list(deep.missingAtProcessor, 'ledgered payment(s) absent at the processor');
  list(deep.mismatched, 'payment(s) whose amount or requestedAt differs from the processor');
  if (deep.failedLookups > 0 || deep.checked < deep.sampled.ledgered + deep.sampled.inFlight) {
    problems.push(`deep check incomplete: ${deep.checked} of ${deep.sampled.ledgered + deep.sampled.inFlight} checked (${deep.errors.join('; ')})`);
  }
  const notes = deep.awaitingLedger.length > 0 ? [`${deep.awaitingLedger.length} in-flight payment(s) already at a processor, awaiting the ledger`] : [];
  return { problems, notes };
}

/** The most recent ledger entries of each processor (ZREVRANGE: O(log n + 80)), and the in-flight ids. */
async function sampleIds(redis: RedisConnection, inFlightIds: string[]): Promise<Sampled[]> {
  const logs = await Promise.all(PROCESSORS.map((p) => latestLedgered(redis, p, PER_LEDGER)));
  const seen = new Set<string>();
  const out: Sampled[] = [];
  PROCESSORS.forEach((p, i) => {
    for (const { id, cents, requestedAtMs } of logs[i]!) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, ledger: p, cents, requestedAtMs });
    }
  });
  for (const id of inFlightIds.slice(0, IN_FLIGHT_IDS)) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, ledger: 'in-flight' });
  }
  return out;
}

function iso(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '?' : new Date(ms).toISOString();
}
