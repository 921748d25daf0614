import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalModulesLoadedBy } from '../testing/modules.ts';

test('the API server module does not load undici: serving HTTP needs none of native fetch', () => {
  assert.deepEqual(internalModulesLoadedBy('src/http/drain.ts', 'undici'), []);
});
