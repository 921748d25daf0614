import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { journalBed } from '../testing/journal-bed.ts';
import { acceptedCount, queuedEntries } from '../store/inspect.ts';
import { ingestedOffset } from '../store/journal.ts';
import { interceptSend } from '../testing/worker-doubles.ts';
import { JournalFlusher } from './flush.ts';
import { JournalTail } from './tail.ts';
import { JournalWriter } from './writer.ts';

const bed = journalBed();

const now = Date.now();
const line = (id: string) => `${id}|1990|${now}`;
const ids = async () => (await queuedEntries(bed.redis)).map((e) => e.split('|')[0]).sort();

function journal(flusher: JournalFlusher) {
  return new JournalWriter(bed.dir, 'api1', { syncEveryMs: 0, onWritten: (segment, text, start, end) => flusher.add(segment, text, start, end) });
}

test('the lines written within an interval reach the queue in one script run, the offset at their end', async () => {
  let runs = 0;
  const counted = interceptSend(bed.redis, (args, send) => ((runs += String(args[0]) === 'EVALSHA' ? 1 : 0), send()));
  const flusher = new JournalFlusher(counted, 20);
  const writer = journal(flusher);
  for (const id of ['a', 'b', 'c']) writer.append(line(id));
  assert.deepEqual(await ids(), [], 'not before the interval');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(await ids(), ['a', 'b', 'c']);
  assert.equal(runs, 1);
  const [segment] = fs.readdirSync(bed.dir);
  assert.equal(await ingestedOffset(bed.redis, segment!), fs.statSync(join(bed.dir, segment!)).size);
  writer.close();
  await flusher.close();
});

test('lines the worker tail took first are skipped, the rest queued, each once', async () => {
  const flusher = new JournalFlusher(bed.redis, 10_000); // flushed by hand below
  const writer = journal(flusher);
  writer.append(line('a'));
  writer.append(line('b'));
  await new JournalTail(bed.redis, bed.dir, { pollMs: 1000 }).poll(); // takes a and b
  writer.append(line('c'));
  await flusher.close();
  assert.deepEqual(await ids(), ['a', 'b', 'c']);
  assert.equal(await acceptedCount(bed.redis), 3);
  writer.close();
});

test('a batch that cannot reach Redis stays in the journal, and the worker tail queues it once', async () => {
  const down = interceptSend(bed.redis, () => Promise.reject(new Error('connection lost')));
  const flusher = new JournalFlusher(down, 10_000);
  const writer = journal(flusher);
  writer.append(line('a'));
  await flusher.close();
  assert.deepEqual(await ids(), []);
  const tail = new JournalTail(bed.redis, bed.dir, { pollMs: 1000 });
  assert.equal(await tail.poll(), 1);
  assert.equal(await tail.poll(), 0);
  writer.close();
  await tail.stop();
});

test('after a write that failed part way, the lines beyond the gap are left to the tail, which queues them once', async () => {
  const flusher = new JournalFlusher(bed.redis, 10_000);
  const writer = journal(flusher);
  writer.append(line('a'));
  const real = fs.writeSync;
  const failing = mock.method(fs, 'writeSync', (fd: number, text: string) => {
    real(fd, text.slice(0, 3)); // part of the line reached the file
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  });
  assert.throws(() => writer.append(line('lost')));
  failing.mock.restore();
  writer.append(line('b'));
  await flusher.close();
  assert.deepEqual(await ids(), ['a'], 'the flusher placed what it could');
  assert.equal(await new JournalTail(bed.redis, bed.dir, { pollMs: 1000 }).poll(), 1);
  assert.deepEqual(await ids(), ['a', 'b']);
  writer.close();
});
