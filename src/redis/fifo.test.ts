import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from './fifo.ts';

describe('Fifo', () => {
  test('items come out in the order they went in, and length counts what is left', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5; i++) q.push(i);
    assert.equal(q.length, 5);
    assert.deepEqual([q.shift(), q.shift()], [0, 1]);
    q.push(5);
    assert.equal(q.length, 4);
    assert.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()], [2, 3, 4, 5]);
    assert.equal(q.length, 0);
  });

  test('peek shows the oldest item without removing it', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.push('b');
    assert.equal(q.peek(), 'a');
    assert.equal(q.peek(), 'a', 'peek removed it');
    assert.equal(q.length, 2);
    assert.equal(q.shift(), 'a');
    assert.equal(q.peek(), 'b');
  });

  test('an empty queue gives undefined and its length stays zero', () => {
    const q = new Fifo<number>();
    assert.equal(q.shift(), undefined);
    assert.equal(q.peek(), undefined);
    q.push(1);
    q.shift();
    assert.equal(q.shift(), undefined);
    assert.equal(q.length, 0, 'shifting an empty queue made the length negative');
  });

  test('order and length survive the compaction of a long-running queue', () => {
    const q = new Fifo<number>();
    let next = 0;
    let expected = 0;
    // Pushes run ahead of shifts, so the head passes 1,024 many times with items still queued.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) q.push(next++);
      for (let i = 0; i < 250; i++) assert.equal(q.shift(), expected++, `round ${round}`);
      assert.equal(q.length, next - expected, `round ${round}: length`);
    }
    while (q.length > 0) assert.equal(q.shift(), expected++);
    assert.equal(expected, next, 'items lost');
  });

  test('drain returns everything oldest first, and leaves an empty queue that still works', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 2000; i++) q.push(i);
    for (let i = 0; i < 1500; i++) q.shift();
    assert.deepEqual(q.drain(), Array.from({ length: 500 }, (_, i) => 1500 + i));
    assert.equal(q.length, 0);
    assert.deepEqual(q.drain(), []);
    q.push(7);
    assert.equal(q.peek(), 7);
    assert.equal(q.shift(), 7);
  });
});
