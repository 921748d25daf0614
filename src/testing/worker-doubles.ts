import type { RedisConnection } from '../redis/connection.ts';
import { GateClosed } from '../worker/gate.ts';

/**
 * Stand-ins for driving a Worker in-process against a real Redis: a gate that
 * never opens, and a connection whose commands pass through a test's hook.
 */

/** A gate that never opens: a payment started behind it stays in progress until the worker stops (close). */
export function closedGate() {
  const waiting: ((err: Error) => void)[] = [];
  return {
    acquire: () => new Promise<void>((_, reject) => waiting.push(reject)),
    release() {},
    close: () => waiting.forEach((reject) => reject(new GateClosed())),
    isPaused: false,
    consecutiveFailures: 0,
  };
}

/** `redis` with every send() going through `around`, which may call the real one (or not) and fail or race around it. */
export function interceptSend(redis: RedisConnection, around: (args: unknown[], send: () => Promise<unknown>) => Promise<unknown>): RedisConnection {
  return new Proxy(redis, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'send') return value.bind(target);
      return (args: unknown[]) => around(args, () => (value as (a: unknown[]) => Promise<unknown>).call(target, args));
    },
  });
}
