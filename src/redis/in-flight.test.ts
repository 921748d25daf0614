import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { InFlight, replyTimeoutMs, type Dated } from './in-flight.ts';

interface Command extends Dated {
  name: string;
}

const command = (name: string, timeoutMs: number): Command => ({ name, timeoutMs, deadline: 0 });

describe('replyTimeoutMs', () => {
  test('a plain command gets the command timeout', () => {
    assert.equal(replyTimeoutMs('GET', ['GET', 'k'], 5000), 5000);
  });

  test('a blocking command gets its own timeout on top of the command timeout', () => {
    assert.equal(replyTimeoutMs('BLMOVE', ['BLMOVE', 'q', 'q:inflight', 'RIGHT', 'LEFT', 2], 5000), 7000);
  });

  test('a blocking command that waits for ever, or a timeout of 0, has no limit', () => {
    assert.equal(replyTimeoutMs('BRPOP', ['BRPOP', 'q', 0], 5000), Infinity);
    assert.equal(replyTimeoutMs('GET', ['GET', 'k'], 0), Infinity);
  });
});

describe('InFlight', () => {
  test('a command written later is never due before the one ahead of it', () => {
    const inflight = new InFlight<Command>(() => undefined);
    const slow = command('BLMOVE', 7000);
    const quick = command('GET', 50);
    inflight.push(slow, 1000);
    inflight.push(quick, 1001);
    assert.equal(slow.deadline, 8000);
    assert.equal(quick.deadline, 8000, 'a reply behind the slow one cannot come first');
    inflight.drain();
  });

  test('replies are matched oldest first', () => {
    const inflight = new InFlight<Command>(() => undefined);
    inflight.push(command('a', Infinity), 0);
    inflight.push(command('b', Infinity), 0);
    assert.equal(inflight.length, 2);
    assert.equal(inflight.shift()?.name, 'a');
    assert.equal(inflight.shift()?.name, 'b');
    assert.equal(inflight.length, 0);
  });

  test('the oldest command unanswered past its deadline is reported once', async () => {
    const overdue: string[] = [];
    const inflight = new InFlight<Command>((oldest) => overdue.push(oldest.name));
    inflight.push(command('first', 20), performance.now());
    inflight.push(command('second', 20), performance.now());
    await sleep(80);
    assert.deepEqual(overdue, ['first']);
    inflight.drain();
  });

  test('a command answered in time is never reported', async () => {
    const overdue: string[] = [];
    const inflight = new InFlight<Command>((oldest) => overdue.push(oldest.name));
    inflight.push(command('answered', 30), performance.now());
    inflight.shift();
    await sleep(60);
    assert.deepEqual(overdue, []);
  });

  test('drained for a lost socket, nothing is reported and the next deadlines start afresh', async () => {
    const overdue: string[] = [];
    const inflight = new InFlight<Command>((oldest) => overdue.push(oldest.name));
    inflight.push(command('lost', 20), 0);
    assert.deepEqual(inflight.drain().map((c) => c.name), ['lost']);
    const next = command('next', 20);
    inflight.push(next, 100);
    assert.equal(next.deadline, 120);
    inflight.drain();
    await sleep(50);
    assert.deepEqual(overdue, []);
  });
});
