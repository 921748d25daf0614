import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, out: () => stdout, err: () => stderr };
}

test('the CLI exits 1 with one line naming a missing or bad variable', async () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{}, 'TRANSACTION_FEE'],
    [{ TRANSACTION_FEE: 'abc' }, 'TRANSACTION_FEE'],
    [{ TRANSACTION_FEE: '0.05', PORT: '70000' }, 'PORT'],
    [{ TRANSACTION_FEE: '0.05', RATE_LIMIT_SECONDS: '0' }, 'RATE_LIMIT_SECONDS'],
  ];
  for (const [env, variable] of cases) {
    const cli = run(env);
    assert.equal(await cli.exited, 1, JSON.stringify(env));
    const lines = cli.err().trim().split('\n');
    assert.equal(lines.length, 1, cli.err());
    assert.match(lines[0]!, new RegExp(`${variable}.*expected`));
  }
});

test('the CLI serves on the given port, logs one line and exits 0 on SIGTERM', async () => {
  const cli = run({ TRANSACTION_FEE: '0.05', PORT: '0', TOKEN: 'secret' });
  while (!cli.out().includes('\n')) {
    assert.equal(cli.child.exitCode, null, cli.err());
    await sleep(50);
  }
  const url = /http:\/\/\S+:\d+/.exec(cli.out())?.[0];
  assert.ok(url, cli.out());
  const summary = await fetch(`${url}/admin/payments-summary`, { headers: { 'x-rinha-token': 'secret' } });
  assert.deepEqual(await summary.json(), { totalRequests: 0, totalAmount: 0, totalFee: 0, feePerTransaction: 0.05 });
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
  assert.equal(cli.out().trim().split('\n').length, 1);
});
