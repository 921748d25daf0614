import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCpuset, groupMemoryPeak, resetGroupMemoryPeak } from './cgroups.ts';

const group = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'cgroup-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

test('on cgroup v1 the peak is started over by writing 0 to memory.max_usage_in_bytes', () => {
  const dir = group({ 'memory.max_usage_in_bytes': '94371840\n' });
  assert.equal(groupMemoryPeak([dir]), 94371840);
  assert.equal(resetGroupMemoryPeak([dir]), true);
  assert.equal(readFileSync(join(dir, 'memory.max_usage_in_bytes'), 'utf8'), '0');
});

test('on cgroup v2 the peak is read but not reset: it stays the one since the group began', () => {
  const dir = group({ 'memory.peak': '31457280\n' });
  assert.equal(resetGroupMemoryPeak([dir]), false);
  assert.equal(groupMemoryPeak([dir]), 31457280);
});

test('a cpuset of CPUs the machine has is accepted: one, a range, a list', () => {
  for (const cpuset of ['1', '0-1', '0,1']) assert.doesNotThrow(() => checkCpuset(cpuset, '0-1\n'));
});

test('a cpuset naming a CPU the machine does not have says which and what is online', () => {
  assert.throws(() => checkCpuset('1', '0\n'), /^Error: cpuset: CPU 1 of "1" is not online here \(online: 0\)$/);
  assert.throws(() => checkCpuset('0-3', '0-1'), /CPU 2, 3 of "0-3"/);
});

test('a cpuset that is not a CPU list is refused with what was expected', () => {
  assert.throws(() => checkCpuset('one', '0-1'), /cpuset: expected CPU numbers such as "1" or "0-1", got "one"/);
});
