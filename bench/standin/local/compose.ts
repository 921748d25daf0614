import { readFileSync } from 'node:fs';
import { parseYaml, type Yaml } from './yaml.ts';

/** The parts of deploy/docker-compose.yml that both ways of running the stack share. */
export interface ServiceSpec {
  name: string;
  command: string[];
  environment: Record<string, string>;
  cpus: number | null;
  memoryBytes: number | null;
  cpuShares: number | null;
}

export function readCompose(path: string): { [key: string]: Yaml } {
  const doc = parseYaml(readFileSync(path, 'utf8'));
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: expected a mapping at the top`);
  return doc;
}

export function services(doc: { [key: string]: Yaml }): ServiceSpec[] {
  const all = doc.services;
  if (typeof all !== 'object' || Array.isArray(all)) throw new Error('compose file: services must be a mapping');
  return Object.entries(all).map(([name, raw]) => {
    const s = raw as Record<string, Yaml>;
    const limits = dig(s, ['deploy', 'resources', 'limits']) as Record<string, string> | undefined;
    return {
      name,
      command: Array.isArray(s.command) ? (s.command as string[]) : [],
      environment: (typeof s.environment === 'object' && !Array.isArray(s.environment) ? s.environment : {}) as Record<string, string>,
      cpus: limits?.cpus !== undefined ? Number(limits.cpus) : null,
      memoryBytes: limits?.memory !== undefined ? parseMemory(limits.memory) : null,
      cpuShares: s.cpu_shares !== undefined ? Number(s.cpu_shares) : null,
    };
  });
}

export function dig(value: Yaml | undefined, path: string[]): Yaml | undefined {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
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
  return text.replace(/\$\$|\$\{(\w+)(?::-([^}]*))?\}/g, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const value = vars[name!];
    return value !== undefined && value !== '' ? value : (fallback ?? '');
  });
}

// The .env reader lives in src/ because `make consistency` reads the same file.
export { readDotEnv } from '../../../src/dotenv.ts';
