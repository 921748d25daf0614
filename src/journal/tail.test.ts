import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { journalBed } from '../testing/journal-bed.ts';
import { acceptedCount, queuedEntries } from '../store/inspect.ts';
import { ingestedOffset } from '../store/journal.ts';
import { purge } from '../store/purge.ts';
import { JournalTail } from './tail.ts';
import { segmentName } from './segment.ts';

const bed = journalBed();

const SEGMENT = segmentName('api1-7', 1, 1);
const write = (text: string, name = SEGMENT) => fs.appendFileSync(join(bed.dir, name), text);
const tailer = () => new JournalTail(bed.redis, bed.dir, { pollMs: 5, linesPerRun: 2 });
const now = Date.now();
const line = (id: string, cents = 1990) => `${id}|${cents}|${now}\n`;

test('each journaled payment is queued once, and the segment offset moves with it', async () => {
  write(line('a') + line('b') + line('c'));
  const tail = tailer();
  assert.equal(await tail.poll(), 3);
  assert.equal(await tail.poll(), 0, 'nothing new');
  assert.deepEqual((await queuedEntries(bed.redis)).map((e) => e.split('|')[0]).sort(), ['a', 'b', 'c']);
  assert.equal(await ingestedOffset(bed.redis, SEGMENT), fs.statSync(join(bed.dir, SEGMENT)).size);
  await tail.stop();
});

test('a line still being written waits for its newline', async () => {
  write(`${line('a')}b|19`);
  const tail = tailer();
  assert.equal(await tail.poll(), 1);
  write(`90|${now}\n`);
  assert.equal(await tail.poll(), 1);
  assert.deepEqual((await queuedEntries(bed.redis)).sort(), [`a|1990|${now}`, `b|1990|${now}`]);
  await tail.stop();
});

test('a segment that appears later is found at the next listing of the directory', async () => {
  const tail = new JournalTail(bed.redis, bed.dir, { pollMs: 5, listMs: 10 }); // lists every second poll
  assert.equal(await tail.poll(), 0);
  write(line('a'));
  assert.equal(await tail.poll(), 0, 'between listings only open segments are read');
  assert.equal(await tail.poll(), 1);
  await tail.stop();
});

test('a restarted tailer resumes where the last one stopped: nothing is queued twice', async () => {
  write(line('a'));
  const first = tailer();
  await first.poll();
  await first.stop();
  write(line('b'));
  const second = tailer();
  assert.equal(await second.poll(), 1);
  assert.equal((await queuedEntries(bed.redis)).length, 2);
  await second.stop();
});

test('two tailers on one directory queue each payment once', async () => {
  write(Array.from({ length: 40 }, (_, i) => line(`p${i}`)).join(''));
  const [one, two] = [tailer(), tailer()];
  const queued = (await Promise.all([one.poll(), two.poll(), one.poll(), two.poll()])).reduce((a, b) => a + b);
  assert.equal(queued, 40);
  assert.equal((await queuedEntries(bed.redis)).length, 40);
  await Promise.all([one.stop(), two.stop()]);
});

test('a replay is not queued again, whatever its amount', async () => {
  write(line('a') + line('a') + line('a', 500));
  const tail = tailer();
  assert.equal(await tail.poll(), 1);
  assert.deepEqual(await queuedEntries(bed.redis), [`a|1990|${now}`]);
  await tail.stop();
});

test('a malformed line is skipped and the lines around it are queued', async () => {
  write(`${line('a')}a|1\n${line('b')}`);
  const tail = tailer();
  assert.equal(await tail.poll(), 2);
  await tail.stop();
});

test('a sealed segment read to its end is deleted, and no tailer reads it again', async () => {
  write(`${line('a')}#sealed\n`);
  const stale = tailer();
  const tail = tailer();
  assert.equal(await tail.poll(), 1);
  assert.deepEqual(fs.readdirSync(bed.dir), []);
  write(`${line('a')}#sealed\n`); // the same name again: a tailer that missed the delete must not start over
  assert.equal(await stale.poll(), 0);
  assert.deepEqual(fs.readdirSync(bed.dir), [], 'removed by the tailer that found it marked');
  assert.equal(await acceptedCount(bed.redis), 1);
  await Promise.all([tail.stop(), stale.stop()]);
});

test('payments journaled before a purge never reach the new books', async () => {
  write(line('old'));
  await new Promise((resolve) => setTimeout(resolve, 2));
  await purge(bed.redis);
  write(`${line('older').replace(String(now), String(now - 1))}${`new|1990|${Date.now() + 1}\n`}`);
  const tail = tailer();
  assert.equal(await tail.poll(), 1);
  assert.deepEqual((await queuedEntries(bed.redis)).map((e) => e.split('|')[0]), ['new']);
  await tail.stop();
});

test('started, it polls by itself until stopped', async () => {
  const tail = tailer();
  tail.start();
  write(line('a'));
  const deadline = Date.now() + 2000;
  while ((await queuedEntries(bed.redis)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal((await queuedEntries(bed.redis)).length, 1);
  await tail.stop();
});
