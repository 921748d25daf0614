import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counters, cursorPage, integer, integers, optionalStrings, strings, text } from './reply.ts';

/** Replies are read by shape: the expected one passes through, anything else is a loud error naming the command. */
test('an integer reads from an integer reply, a numeric bulk string, or nil as 0', () => {
  assert.equal(integer(7, 'LLEN'), 7);
  assert.equal(integer('42', 'HGET'), 42);
  assert.equal(integer(null, 'HGET'), 0);
});

test('a reply of the wrong shape throws, naming the command', () => {
  assert.throws(() => integer('abc', 'HGET total'), /unexpected reply to HGET total: string/);
  assert.throws(() => integer([], 'LLEN'), /unexpected reply to LLEN: array/);
  assert.throws(() => text(3, 'GET'), /unexpected reply to GET: number/);
  assert.throws(() => strings(['a', null], 'LRANGE'), /unexpected reply to LRANGE/);
  assert.throws(() => integers([1, '2'], 'record'), /unexpected reply to record/);
  assert.throws(() => cursorPage(['0'], 'SCAN'), /unexpected reply to SCAN/);
});

test('arrays pass through as they are, nils kept where they may be', () => {
  const list = ['a', 'b'];
  assert.equal(strings(list, 'LRANGE'), list, 'no copy on the hot path');
  assert.deepEqual(optionalStrings(['a', null], 'HMGET'), ['a', null]);
  assert.deepEqual(counters(['3', null, '5'], 'HMGET'), [3, 0, 5]);
  assert.deepEqual(cursorPage(['17', ['k1', 'k2']], 'SCAN'), { cursor: '17', items: ['k1', 'k2'] });
});
