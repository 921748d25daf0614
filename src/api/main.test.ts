import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { startApiProcess } from '../testing/api-process.ts';
import { startRedis } from '../testing/redis-server.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Every module `entry` loads at run time: relative imports and re-exports, `import type` left out (erased). */
function loadedModules(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(import|export)\s+(type\s)?[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
      if (m[2]) continue;
      visit(join(dirname(file), m[3]!));
    }
  };
  visit(join(ROOT, entry));
  return [...seen].map((f) => relative(ROOT, f)).sort();
}

test('the API process loads no worker code, and nothing from outside src/', () => {
  const modules = loadedModules('src/api/main.ts');
  assert.ok(modules.includes('src/processor/client.ts') && modules.includes('src/store/keys.ts'), `the walk missed imports: ${modules.join(', ')}`);
  assert.deepEqual(modules.filter((m) => m.startsWith('src/worker/')), [], 'worker modules in the API process');
  assert.deepEqual(modules.filter((m) => !m.startsWith('src/')), [], 'modules from outside src/');
});

test('the API process guards purge with PURGE_TOKEN from its environment', async () => {
  const redis = await startRedis();
  const api = await startApiProcess({ REDIS_URL: redis.url, INSTANCE: 'guarded', PURGE_TOKEN: 's3cret', LOG_LEVEL: 'CRITICAL' });
  try {
    const purge = (headers: Record<string, string>) => fetch(`${api.url}/purge-payments`, { method: 'POST', headers }).then((res) => res.status);
    assert.equal(await purge({}), 401, 'a bare purge');
    assert.equal(await purge({ 'X-Purge-Token': 's3cret' }), 200, 'with the token');
  } finally {
    api.child.kill('SIGKILL');
    await redis.stop();
  }
});
