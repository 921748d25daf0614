import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JournalError, JournalWriter } from './writer.ts';
import { parseSegmentName, segmentName } from './segment.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'journal-'));
});
afterEach(() => {
  mock.restoreAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const segments = () => fs.readdirSync(dir).sort();
const read = (name: string) => fs.readFileSync(join(dir, name), 'latin1');

test('each payment is one line in this process segment by the time append returns', () => {
  const writer = new JournalWriter(dir, 'api1', { syncEveryMs: 0 });
  writer.append('a|100|1');
  writer.append('b|200|2');
  const [name] = segments();
  assert.equal(parseSegmentName(name!)?.writer, `api1-${process.pid}`);
  assert.equal(read(name!), 'a|100|1\nb|200|2\n');
  writer.close();
});

test('a segment past its size is sealed and the next one takes the following payments', () => {
  const writer = new JournalWriter(dir, 'api1', { segmentBytes: 16, syncEveryMs: 0 });
  writer.append('a|100|1'); // 8 bytes
  writer.append('b|200|2'); // 16: full
  writer.append('c|300|3');
  const names = segments();
  assert.equal(names.length, 2);
  assert.equal(read(names[0]!), 'a|100|1\nb|200|2\n#sealed\n');
  assert.equal(read(names[1]!), 'c|300|3\n');
  writer.close();
});

test('close seals the segment', () => {
  const writer = new JournalWriter(dir, 'api1', { syncEveryMs: 0 });
  writer.append('a|100|1');
  writer.close();
  assert.equal(read(segments()[0]!), 'a|100|1\n#sealed\n');
});

test('a new process seals what a crashed predecessor with its pid left, ending a line cut short', () => {
  const crashed = segmentName(`api1-${process.pid}`, 1, 1);
  fs.writeFileSync(join(dir, crashed), 'a|100|1\nb|2');
  const other = segmentName('api2-1', 1, 1);
  fs.writeFileSync(join(dir, other), 'x|100|1\n');
  const writer = new JournalWriter(dir, 'api1', { syncEveryMs: 0 });
  assert.equal(read(crashed), 'a|100|1\nb|2\n#sealed\n');
  assert.equal(read(other), 'x|100|1\n', "another instance's segment is left alone");
  writer.close();
  const again = new JournalWriter(dir, 'api1', { syncEveryMs: 0 });
  again.close();
  assert.equal(read(crashed), 'a|100|1\nb|2\n#sealed\n', 'a sealed segment is not sealed again');
});

test('a restarted process with a new pid seals what its dead predecessor left, never a running sibling\'s', () => {
  const dead = spawnSync(process.execPath, ['-e', '']).pid!; // ran and exited
  const deadOne = segmentName(`api1-${dead}`, 1, 1);
  fs.writeFileSync(join(dir, deadOne), 'a|100|1\n');
  const running = segmentName(`api1-${process.ppid}`, 1, 1); // a process that runs: a sibling
  fs.writeFileSync(join(dir, running), 'b|100|1\n');
  const otherInstance = segmentName(`api10-${dead}`, 1, 1);
  fs.writeFileSync(join(dir, otherInstance), 'c|100|1\n');
  const writer = new JournalWriter(dir, 'api1', { syncEveryMs: 0 });
  writer.close();
  assert.equal(read(deadOne), 'a|100|1\n\n#sealed\n'); // the empty line: a line cut short would end there
  assert.equal(read(running), 'b|100|1\n', 'a running sibling keeps writing its segment');
  assert.equal(read(otherInstance), 'c|100|1\n', "another instance's segment is left alone");
});

test('a predecessor that exited but was never reaped (a zombie) counts as gone', async () => {
  // The shell's `sleep 0` exits while its parent, now `sleep 5`, never waits for it.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const zombie = Number((await once(parent.stdout, 'data'))[0]);
  for (let i = 0; i < 50 && !/\) Z/.test(fs.readFileSync(`/proc/${zombie}/stat`, 'latin1')); i++) await sleep(20);
  const name = segmentName(`api1-${zombie}`, 1, 1);
  fs.writeFileSync(join(dir, name), 'a|100|1\n');
  new JournalWriter(dir, 'api1', { syncEveryMs: 0 }).close();
  parent.kill();
  assert.equal(read(name), 'a|100|1\n\n#sealed\n');
});

test('a failed write throws JournalError, and the next line starts on a line of its own', () => {
  const writer = new JournalWriter(dir, 'api1', { syncEveryMs: 0 });
  const real = fs.writeSync;
  const failing = mock.method(fs, 'writeSync', (fd: number, text: string) => {
    real(fd, text.slice(0, 3)); // part of the line reached the file
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  });
  assert.throws(() => writer.append('a|100|1'), (err: unknown) => err instanceof JournalError && /ENOSPC/.test(err.message));
  failing.mock.restore();
  writer.append('b|200|2');
  assert.equal(read(segments()[0]!), 'a|1\nb|200|2\n');
  writer.close();
});

test('a directory it cannot write stops the process with one line naming JOURNAL_DIR', () => {
  const file = join(dir, 'not-a-dir');
  fs.writeFileSync(file, '');
  assert.throws(() => new JournalWriter(join(file, 'journal'), 'api1'), /^Error: JOURNAL_DIR: cannot write segments in ".*not-a-dir\/journal" \(ENOTDIR\)$/);
});
