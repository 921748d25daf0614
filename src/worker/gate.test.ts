import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import { Gate, GateClosed } from './gate.ts';

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await turn();
  await turn();
  return done;
}

/** Milliseconds an acquire() waits; Infinity past 1 s (the gate is then closed, so nothing keeps waiting). */
async function timeAcquire(gate: Gate): Promise<number> {
  const started = Date.now();
  const giveUp = sleep(1_000).then(() => gate.close());
  return Promise.race([gate.acquire().then(() => Date.now() - started), giveUp.then(() => Infinity)]);
}

describe('Gate', () => {
  test('at most `limit` requests hold it; each release lets the oldest waiter in', async () => {
    const gate = new Gate(2, 10, 100);
    await gate.acquire();
    await gate.acquire();
    const order: string[] = [];
    const third = gate.acquire().then(() => order.push('third'));
    const fourth = gate.acquire().then(() => order.push('fourth'));
    assert.equal(await settled(third), false, 'a third request got in past a limit of 2');
    gate.release();
    assert.equal(await settled(third), true, 'a release did not let the oldest waiter in');
    assert.equal(await settled(fourth), false, 'one release let two requests in');
    gate.release();
    assert.equal(await settled(fourth), true);
    assert.deepEqual(order, ['third', 'fourth']);
  });

  test('counts failures in a row; a success resets the count and the pause', () => {
    const gate = new Gate(4, 10_000, 10_000);
    gate.failed();
    gate.failed();
    assert.equal(gate.consecutiveFailures, 2);
    assert.equal(gate.isPaused, true);
    gate.succeeded();
    assert.equal(gate.consecutiveFailures, 0);
    assert.equal(gate.isPaused, false, 'a success left the pause in place');
  });

  test('a failure pauses it for the base backoff; more failures double the pause, up to the maximum', async () => {
    const once = new Gate(4, 40, 120);
    once.failed();
    const first = await timeAcquire(once);
    assert.ok(first >= 39 && first < 200, `one failure paused ${first} ms, expected 40`);

    const twice = new Gate(4, 40, 120);
    twice.failed();
    twice.failed();
    const second = await timeAcquire(twice);
    assert.ok(second >= 79 && second < 250, `two failures paused ${second} ms, expected 80`);

    const many = new Gate(4, 40, 120);
    for (let i = 0; i < 30; i++) many.failed();
    const capped = await timeAcquire(many);
    assert.ok(capped >= 119 && capped < 300, `30 failures paused ${capped} ms, expected the 120 ms maximum`);
  });

  test('after a failure only one probe at a time goes through, until a success opens it to the full limit', async () => {
    const gate = new Gate(3, 1, 1);
    gate.failed();
    await sleep(5);
    await gate.acquire();
    const second = gate.acquire();
    const third = gate.acquire();
    assert.equal(await settled(second), false, 'a second request went to a failing processor beside the probe');
    gate.succeeded();
    assert.equal(await settled(second), true, 'the success did not let the waiters in');
    assert.equal(await settled(third), true, 'the success did not open the full limit');
  });

  test('a recovery report ends the pause without waiting for its end', async () => {
    const gate = new Gate(2, 60_000, 60_000);
    gate.failed();
    const waiting = gate.acquire();
    assert.equal(await settled(waiting), false);
    gate.recovered();
    assert.equal(gate.isPaused, false);
    const started = Date.now();
    const held = await Promise.race([waiting.then(() => Date.now() - started), sleep(1_000).then(() => Infinity)]);
    gate.close();
    assert.ok(held < 1000, `a 60 s pause held ${held} ms after recovery`);
  });

  test('close makes every waiting and later acquire throw GateClosed', async () => {
    const gate = new Gate(1, 10, 100);
    await gate.acquire();
    const waiting = gate.acquire();
    gate.close();
    await assert.rejects(waiting, GateClosed);
    await assert.rejects(gate.acquire(), GateClosed);
  });
});
