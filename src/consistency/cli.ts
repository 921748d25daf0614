import { existsSync, readFileSync } from 'node:fs';
import { readDotEnv } from '../dotenv.ts';
import { describeFailure } from '../processor/client.ts';
import { formatReport } from './format.ts';
import type { Report } from './report.ts';

/**
 * `make consistency [DEEP=1]`: asks the running backend for its consistency report
 * and prints it. Exit 0 when consistent, 1 when not, 2 when there is no report.
 * Sends CONSISTENCY_TOKEN (from the environment, else .env, as the stack reads it)
 * in X-Consistency-Token: deep mode needs it, and it shows payment ids.
 */
// Piped into `head`, the pipe may close early: keep the verdict's exit code meaningful.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 2));

const base = (process.env.BACKEND_URL || 'http://localhost:9999').replace(/\/+$/, '');
const url = `${base}/consistency-check${process.argv.includes('--deep') ? '?deep=1' : ''}`;
const token = process.env.CONSISTENCY_TOKEN || (existsSync('.env') ? readDotEnv(readFileSync('.env', 'utf8')).CONSISTENCY_TOKEN : undefined);

async function main(): Promise<number> {
  let res: Response;
  try {
    // Beyond the report's own worst case (about 9 s in deep mode).
    res = await fetch(url, { signal: AbortSignal.timeout(30_000), headers: token ? { 'X-Consistency-Token': token } : {} });
  } catch (err) {
    console.error(`backend not reachable at ${base} (${describeFailure(err)}): is the stack up? (make up)`);
    return 2;
  }
  const text = await res.text();
  if (res.status !== 200) {
    console.error(`GET ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    if (res.status === 401 || res.status === 403) console.error('deep mode: set CONSISTENCY_TOKEN in .env (or the environment) before make up, and run make consistency DEEP=1 with the same value');
    return 2;
  }
  let report: Report;
  try {
    report = JSON.parse(text) as Report;
  } catch {
    console.error(`GET ${url} answered something other than JSON: ${text.slice(0, 200)}`);
    return 2;
  }
  process.stdout.write(formatReport(report));
  return report.verdict.consistent ? 0 : 1;
}

process.exitCode = await main();
