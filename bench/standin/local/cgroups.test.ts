import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupMemoryPeak, resetGroupMemoryPeak } from './cgroups.ts';

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
