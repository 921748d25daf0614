import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substitute } from './compose.ts';

test('variables substitute as compose does: :- covers unset and empty, - only unset', () => {
  const vars = { SET: 'x', EMPTY: '' };
  assert.equal(substitute('${SET:-d} ${EMPTY:-d} ${UNSET:-d}', vars), 'x d d');
  assert.equal(substitute('${SET-d} [${EMPTY-d}] ${UNSET-d}', vars), 'x [] d');
  assert.equal(substitute('${SET} [${UNSET}] $$HOME', vars), 'x [] $HOME');
});
