// CLI: PORT, HOST, TRANSACTION_FEE (required), RATE_LIMIT_SECONDS, TOKEN.
//   TRANSACTION_FEE=0.05 PORT=8001 node --import tsx bench/standin/processor/main.ts
import { startProcessor, type ProcessorOptions } from './processor.ts';

class ConfigError extends Error {}

function read(name: string, fallback: string | undefined, expected: string, valid: (text: string) => boolean): string {
  const raw = process.env[name];
  const text = raw === undefined || raw.trim() === '' ? fallback : raw.trim();
  if (text === undefined) throw new ConfigError(`${name} is required: expected ${expected}`);
  if (!valid(text)) throw new ConfigError(`${name}=${JSON.stringify(text)} is invalid: expected ${expected}`);
  return text;
}

const isNumber = (text: string): boolean => /^\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text));

function configFromEnv(): Required<Pick<ProcessorOptions, 'port' | 'host' | 'fee' | 'token' | 'rateLimitSeconds'>> {
  const port = read('PORT', '8001', 'an integer port from 0 to 65535', (t) => /^\d{1,5}$/.test(t) && Number(t) <= 65535);
  const host = read('HOST', '127.0.0.1', 'a host name or IP address', (t) => !/\s/.test(t));
  const fee = read('TRANSACTION_FEE', undefined, 'a decimal number >= 0, e.g. 0.05', isNumber);
  const rate = read('RATE_LIMIT_SECONDS', '5', 'a number of seconds > 0', (t) => isNumber(t) && Number(t) > 0);
  const token = read('TOKEN', '123', 'a non-empty string', (t) => t.length > 0);
  return { port: Number(port), host, fee: Number(fee), token, rateLimitSeconds: Number(rate) };
}

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`payment processor simulator: ${error.message}\n`);
    process.exit(1);
  }
  const processor = await startProcessor(config).catch((error: unknown) => {
    process.stderr.write(`payment processor simulator: cannot listen on ${config.host}:${config.port}: ${String(error)}\n`);
    process.exit(1);
  });
  console.log(
    `payment processor simulator listening on ${processor.url} ` +
      `(fee ${config.fee}, health 1 call per ${config.rateLimitSeconds}s)`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void processor.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
