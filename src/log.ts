import type { LogLevel } from './config.ts';

/** Plain leveled logging to stderr. Never logs payment data, only what happened. */
const ranks: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };
let threshold = ranks.WARNING;
let prefix = '';

/** `stack`: for errors nobody expected, where the message alone does not say where. */
interface Options {
  stack?: boolean;
}

function write(level: LogLevel, message: string, cause?: unknown, options?: Options): void {
  if (ranks[level] < threshold) return;
  const detail = cause instanceof Error ? `: ${options?.stack && cause.stack ? cause.stack : cause.message}` : cause === undefined ? '' : `: ${String(cause)}`;
  process.stderr.write(`${new Date().toISOString()} ${level} ${prefix}${message}${detail}\n`);
}

export const log = {
  configure(level: LogLevel, name: string): void {
    threshold = ranks[level];
    prefix = `${name}: `;
  },
  debug: (message: string, cause?: unknown) => write('DEBUG', message, cause),
  info: (message: string, cause?: unknown) => write('INFO', message, cause),
  warn: (message: string, cause?: unknown) => write('WARNING', message, cause),
  error: (message: string, cause?: unknown, options?: Options) => write('ERROR', message, cause, options),
};
