import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.ts';

test('defaults apply to unset or blank variables; only TRANSACTION_FEE is required', () => {
  assert.deepEqual(loadConfig({ TRANSACTION_FEE: '0.05', HOST: ' ', TOKEN: '' }), { port: 8001, host: '127.0.0.1', fee: 0.05, token: '123', rateLimitSeconds: 5 });
  assert.deepEqual(loadConfig({ TRANSACTION_FEE: ' 0.15 ', PORT: '0', HOST: '0.0.0.0', TOKEN: 'secret', RATE_LIMIT_SECONDS: '0.5' }), { port: 0, host: '0.0.0.0', fee: 0.15, token: 'secret', rateLimitSeconds: 0.5 });
});

test('a bad value is named with what was expected and what was given, as src/config.ts names them', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{}, 'TRANSACTION_FEE: required, expected a decimal number >= 0 such as 0.05'],
    [{ TRANSACTION_FEE: 'abc' }, 'TRANSACTION_FEE: expected a decimal number >= 0 such as 0.05, got "abc"'],
    [{ TRANSACTION_FEE: '-0.05' }, 'TRANSACTION_FEE: expected a decimal number >= 0 such as 0.05, got "-0.05"'],
    [{ TRANSACTION_FEE: '0.05', PORT: '70000' }, 'PORT: expected an integer from 0 to 65535, got "70000"'],
    [{ TRANSACTION_FEE: '0.05', PORT: '80.5' }, 'PORT: expected an integer from 0 to 65535, got "80.5"'],
    [{ TRANSACTION_FEE: '0.05', RATE_LIMIT_SECONDS: '0' }, 'RATE_LIMIT_SECONDS: expected seconds > 0 (e.g. 5), got "0"'],
    [{ TRANSACTION_FEE: '0.05', HOST: 'a b' }, 'HOST: expected a host name or IP address, got "a b"'],
  ];
  for (const [env, message] of cases) assert.throws(() => loadConfig(env), { message }, JSON.stringify(env));
});
