import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

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
