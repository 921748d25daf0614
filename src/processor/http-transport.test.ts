import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalModulesLoadedBy } from '../testing/modules.ts';

test('the node:http transport does not load undici, the engine of native fetch it never uses', () => {
  assert.deepEqual(internalModulesLoadedBy('src/processor/http-transport.ts', 'undici'), []);
});
