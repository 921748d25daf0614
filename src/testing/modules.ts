import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The Node-internal modules a fresh process has loaded after importing `file`
 * (a path from the repository root) and nothing else, whose name contains `part`.
 */
export function internalModulesLoadedBy(file: string, part: string): string[] {
  const url = new URL(`file://${resolve(import.meta.dirname, '../..', file)}`).href;
  const script = `await import(${JSON.stringify(url)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes(${JSON.stringify(part)}))));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
}
