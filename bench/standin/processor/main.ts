// CLI: PORT (0: any free port), HOST, TRANSACTION_FEE (required), RATE_LIMIT_SECONDS, TOKEN.
//   TRANSACTION_FEE=0.05 PORT=8001 node --import tsx bench/standin/processor/main.ts
// Its first line on stdout names the URL it listens on, so a parent that passed
// PORT=0 learns the port: "payment processor simulator listening on http://127.0.0.1:PORT (...)".
import { ConfigError, loadConfig, type SimulatorConfig } from './config.ts';
import { startProcessor } from './processor.ts';

async function main(): Promise<void> {
  let config: SimulatorConfig;
  try {
    config = loadConfig();
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
