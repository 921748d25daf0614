import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { journalBed } from '../testing/journal-bed.ts';
import { ingest, markDeleted } from '../store/journal.ts';
import { formatReport } from '../consistency/format.ts';
import { buildReport } from '../consistency/report.ts';
import { journalBacklog } from './backlog.ts';
import { segmentName } from './segment.ts';

const bed = journalBed();

const now = 1_800_000_000_000;
const A = segmentName('api1-7', 1, 1);
const B = segmentName('api2-8', 1, 1);
const write = (name: string, text: string) => fs.appendFileSync(join(bed.dir, name), text);

test('the backlog is the complete payment lines past each segment offset, with the oldest one age', async () => {
  const first = `a|100|${now - 5000}\n`;
  write(A, `${first}b|100|${now - 4000}\nc|100|${now - 3000}\n#sealed\n`);
  await ingest(bed.redis, A, 0, first.length, [first.trimEnd()]);
  write(B, `d|100|${now - 6000}\ne|1`);
  assert.deepEqual(await journalBacklog(bed.redis, bed.dir, now), { payments: 3, segments: 2, oldestAgeMs: 6000 });
});

test('a segment marked deleted, or read to its end, adds nothing', async () => {
  write(A, `a|100|${now}\n`);
  await markDeleted(bed.redis, A);
  const line = `b|100|${now}\n`;
  write(B, line);
  await ingest(bed.redis, B, 0, line.length, [line.trimEnd()]);
  assert.deepEqual(await journalBacklog(bed.redis, bed.dir, now), { payments: 0, segments: 0, oldestAgeMs: null });
});

test('the consistency report counts the journal and calls payments waiting there too long a problem', async () => {
  write(A, `a|100|${now - 20_000}\n`);
  const report = await buildReport(bed.redis, { processors: null, adminToken: null, deep: false, journalDir: bed.dir, nowMs: now, stuckAfterMs: 10_000 });
  assert.deepEqual(report.journal, { payments: 1, segments: 1, oldestAgeMs: 20_000 });
  assert.match(report.verdict.problems.join('\n'), /1 payment\(s\) wait in the journal, the oldest for 20.0 s/);
  assert.match(formatReport(report), /in the journal\s+1\s+oldest 20.0 s/);
  const without = await buildReport(bed.redis, { processors: null, adminToken: null, deep: false, nowMs: now });
  assert.equal(without.journal, null, 'no journal configured: no section');
});
