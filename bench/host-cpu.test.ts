import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostShare, parseCpuTicks, readCpuTicks } from './host-cpu.ts';

const stat = (user: number, idle: number, steal: number) => `cpu  ${user} 0 100 ${idle} 20 0 30 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 12345\n`;

test('the aggregate line is read, idle counting iowait and total counting steal', () => {
  assert.deepEqual(parseCpuTicks(stat(1000, 5000, 50)), { total: 1000 + 100 + 5000 + 20 + 30 + 50, idle: 5020, steal: 50 });
});

test('busy and steal are shares of all CPUs over the interval', () => {
  // 200 ticks in all: 100 running, 60 idle, 40 taken by the hypervisor.
  const share = hostShare(parseCpuTicks(stat(1000, 5000, 50)), parseCpuTicks(stat(1100, 5060, 90)));
  assert.deepEqual(share, { busy: 50, steal: 20 });
});

test('an interval without ticks has no share rather than a division by zero', () => {
  assert.equal(hostShare(parseCpuTicks(stat(1, 2, 3)), parseCpuTicks(stat(1, 2, 3))), null);
});

test('a single CPU is read from its own line when asked for, not from the aggregate', () => {
  assert.deepEqual(parseCpuTicks(stat(1000, 5000, 50), 0), { total: 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8, idle: 4 + 5, steal: 8 });
  assert.throws(() => parseCpuTicks(stat(1, 2, 3), 1), /expected a "cpu1" line with 8 counters/);
});

test('a /proc/stat without the aggregate line is refused, naming what was expected', () => {
  assert.throws(() => parseCpuTicks('intr 1 2 3\n'), /expected an aggregate "cpu" line with 8 counters/);
});

test('this machine has a readable /proc/stat', () => {
  const ticks = readCpuTicks();
  assert.ok(ticks && ticks.total > ticks.idle && ticks.steal >= 0);
});
