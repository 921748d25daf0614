import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { readDotEnv } from '../../../src/dotenv.ts';

/**
 * deploy/docker-compose.yml as both ways of running the stack read it: the
 * `yaml` package parses it (anchors, aliases and `<<:` merge keys as compose
 * reads them), and services() takes the parts the local runner, the benchmark
 * and the contest rules need.
 */
export type ComposeValue = string | number | boolean | null | ComposeValue[] | { [key: string]: ComposeValue };
export type ComposeFile = { [key: string]: ComposeValue };

/** The parts of deploy/docker-compose.yml that both ways of running the stack share. */
export interface ServiceSpec {
  name: string;
  command: string[];
  environment: Record<string, string>;
  cpus: number | null;
  memoryBytes: number | null;
  cpuShares: number | null;
  /** The CPUs the service may run on (compose's `cpuset`); null: any. */
  cpuset: string | null;
}

/**
 * Parses compose YAML; throws on a syntax error, a key given twice, or anything
 * the parser would only warn about (a tag such as compose's `!reset`, which this
 * reader does not apply), so the file cannot say one thing to compose and another here.
 */
export function parseCompose(text: string, source = 'compose file'): ComposeFile {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new Error(`${source}: ${problem.message.split('\n')[0]}`);
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: expected a mapping at the top`);
  return value as ComposeFile;
}

export function readCompose(path: string): ComposeFile {
  return parseCompose(readFileSync(path, 'utf8'), path);
}

export function services(doc: ComposeFile): ServiceSpec[] {
  const all = doc.services;
  if (!isMapping(all)) throw new Error('compose file: services must be a mapping');
  return Object.entries(all).map(([name, raw]) => {
    const s = isMapping(raw) ? raw : {};
    const limits = dig(s, ['deploy', 'resources', 'limits']);
    const cpus = isMapping(limits) ? limits.cpus : undefined;
    const memory = isMapping(limits) ? limits.memory : undefined;
    const environment = isMapping(s.environment) ? s.environment : {};
    return {
      name,
      command: Array.isArray(s.command) ? s.command.map(String) : [],
      environment: Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)])),
      cpus: cpus !== undefined && cpus !== null ? Number(cpus) : null,
      memoryBytes: memory !== undefined && memory !== null ? parseMemory(String(memory)) : null,
      cpuShares: s.cpu_shares !== undefined && s.cpu_shares !== null ? Number(s.cpu_shares) : null,
      cpuset: s.cpuset !== undefined && s.cpuset !== null ? String(s.cpuset) : null,
    };
  });
}

export function isMapping(value: ComposeValue | undefined): value is { [key: string]: ComposeValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function dig(value: ComposeValue | undefined, path: string[]): ComposeValue | undefined {
  let at = value;
  for (const key of path) {
    if (!isMapping(at)) return undefined;
    at = at[key];
  }
  return at;
}

/** Docker's memory units are binary: "30MB" and "30m" are 30 MiB. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) throw new Error(`memory limit: expected e.g. "85MB", got "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit] ?? 1;
  return Math.round(Number(m[1]) * scale);
}

/** Compose-style substitution: ${VAR}, ${VAR:-default}, $$ for a literal $. */
export function substitute(text: string, vars: Record<string, string | undefined>): string {
  // ${X:-d}: d when X is unset or empty; ${X-d}: d only when X is unset (set empty, it stays empty).
  return text.replace(/\$\$|\$\{(\w+)(?:(:?)-([^}]*))?\}/g, (whole, name: string | undefined, colon: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const value = vars[name!];
    const missing = value === undefined || (colon === ':' && value === '');
    return missing ? (fallback ?? '') : value;
  });
}

/** Values for ${VAR} in the compose file, as compose takes them: the environment over `.env` in root. */
export function composeVariables(root: string): Record<string, string | undefined> {
  const path = join(root, '.env');
  const dotEnv = existsSync(path) ? readDotEnv(readFileSync(path, 'utf8')) : {};
  return { ...dotEnv, ...process.env };
}

/**
 * The worker id of every service that runs the worker (dist/worker/main.js), as
 * src/config.ts derives it from the service's environment: WORKER_ID, else INSTANCE, else "worker".
 */
export function workerIds(doc: ComposeFile, vars: Record<string, string | undefined>): string[] {
  return services(doc)
    .filter((s) => s.command.some((arg) => arg.endsWith('dist/worker/main.js')))
    .map((s) => {
      const value = (name: string) => substitute(s.environment[name] ?? '', vars).trim();
      return value('WORKER_ID') || value('INSTANCE') || 'worker';
    });
}

// The .env reader lives in src/ because `make consistency` reads the same file.
export { readDotEnv };
