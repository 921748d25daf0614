import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSegmentName, segmentName } from './segment.ts';

test('a segment name gives back its writer, instance and pid, with a dash in the instance too', () => {
  assert.deepEqual(parseSegmentName(segmentName('api-1-4242', 1700, 7)), { writer: 'api-1-4242', instance: 'api-1', pid: 4242, openedAtMs: 1700, seq: 7 });
});

test('a file whose name is not a segment\'s parses as null', () => {
  assert.equal(parseSegmentName('api1-x-1700-000001.log'), null);
  assert.equal(parseSegmentName('api1-4242-1700-000001.tmp'), null);
});
