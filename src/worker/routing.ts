import type { RoutingPolicy } from '../config.ts';
import type { Processor } from '../store/keys.ts';

export interface ProcessorState {
  /** A fresh health report says it is failing, or our own calls keep failing. */
  down: boolean;
}

/**
 * Which processor to try next for a payment that is not pinned to one.
 * - default-only: always default (5% fee); failures wait for it to recover.
 * - fallback-when-down: once calls to default have failed `maxRetries` times in a
 *   row (across payments), while default is down and fallback is not, pay the
 *   15% fee rather than wait.
 */
export function choose(
  policy: RoutingPolicy,
  failedOnDefault: number,
  maxRetries: number,
  state: Record<Processor, ProcessorState>,
): Processor {
  if (policy === 'default-only') return 'default';
  if (failedOnDefault >= maxRetries && state.default.down && !state.fallback.down) return 'fallback';
  return 'default';
}
