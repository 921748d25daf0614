import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

/**
 * Test helper: a payment processor simulator (bench/standin/processor/, the
 * contest's processor stood in for) as a child process on a free loopback port,
 * started like redis-server: src/ runs it, never imports it. PORT=0 lets it pick
 * the port; its first line on stdout names the URL.
 */
export interface TestSimulator {
  url: string;
  stop(): Promise<void>;
}

export interface SimulatorOptions {
  fee: number;
  token: string;
  rateLimitSeconds?: number;
}

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = 'bench/standin/processor/main.ts';
const START_TIMEOUT_MS = 15_000;

export async function startSimulator(options: SimulatorOptions): Promise<TestSimulator> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', TRANSACTION_FEE: String(options.fee), TOKEN: options.token, RATE_LIMIT_SECONDS: String(options.rateLimitSeconds ?? 5) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let url: string;
  try {
    url = await listeningUrl(child);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The URL from the simulator's first line on stdout; fails with its stderr if it exits first or stays silent. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(`printed no URL within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`processor simulator (${MAIN}) ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    };
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let answered = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      // Later output is read and dropped, so a full pipe never blocks the simulator.
      if (answered) return;
      stdout += chunk;
      const line = stdout.split('\n', 2);
      if (line.length < 2) return;
      answered = true;
      clearTimeout(timer);
      const url = /listening on (http:\/\/\S+)/.exec(line[0]!)?.[1];
      if (url) resolveUrl(url);
      else fail(`printed "${line[0]}" instead of its URL`);
    });
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before listening`));
  });
}
