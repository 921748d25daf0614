// The simulator's settings, read from the environment once at start the way
// src/config.ts reads the service's: a wrong value stops it with one line naming
// the variable and what was expected, e.g. `PORT: expected an integer from 0 to 65535, got "70000"`.
// Self-contained (no import from src/): the stand-in image copies only this folder.

export interface SimulatorConfig {
  port: number;
  host: string;
  fee: number;
  token: string;
  rateLimitSeconds: number;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/** The variable's trimmed text; null when unset or blank. */
function read(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? null : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new ConfigError(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

/** A plain decimal (digits, an optional fraction; no sign, no exponent); null fallback: required. */
function decimal(env: Env, name: string, fallback: number | null, expected: string, valid: (value: number) => boolean): number {
  const text = read(env, name);
  if (text === null) {
    if (fallback === null) throw new ConfigError(`${name}: required, expected ${expected}`);
    return fallback;
  }
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value) || !valid(value)) throw new ConfigError(`${name}: expected ${expected}, got "${text}"`);
  return value;
}

function host(env: Env, name: string, fallback: string): string {
  const text = read(env, name);
  if (text === null) return fallback;
  if (/\s/.test(text)) throw new ConfigError(`${name}: expected a host name or IP address, got "${text}"`);
  return text;
}

/** PORT (0: any free port), HOST, TRANSACTION_FEE (required), RATE_LIMIT_SECONDS, TOKEN. */
export function loadConfig(env: Env = process.env): SimulatorConfig {
  return {
    port: integer(env, 'PORT', 8001, 0, 65535),
    host: host(env, 'HOST', '127.0.0.1'),
    fee: decimal(env, 'TRANSACTION_FEE', null, 'a decimal number >= 0 such as 0.05', () => true),
    token: read(env, 'TOKEN') ?? '123',
    rateLimitSeconds: decimal(env, 'RATE_LIMIT_SECONDS', 5, 'seconds > 0 (e.g. 5)', (value) => value > 0),
  };
}
