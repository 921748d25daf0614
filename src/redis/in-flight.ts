import { Fifo } from './fifo.ts';
import type { RedisArg } from './encode.ts';

/** Commands that block on the server, and the argument holding their timeout in seconds (from the end). */
const BLOCKING: Record<string, number> = { BLPOP: 1, BRPOP: 1, BLMOVE: 1, BRPOPLPUSH: 1, BZPOPMIN: 1, BZPOPMAX: 1 };

/**
 * How long a command's reply may take once written (Infinity: no limit). A
 * blocking command answers by itself after its own timeout (0 blocks for ever),
 * so it gets commandTimeoutMs on top of that; 0 disables the limit.
 */
export function replyTimeoutMs(command: string, args: readonly RedisArg[], commandTimeoutMs: number): number {
  if (commandTimeoutMs === 0) return Infinity;
  const from = BLOCKING[command];
  if (from === undefined) return commandTimeoutMs;
  const seconds = Number(args[args.length - from]);
  return seconds > 0 ? seconds * 1000 + commandTimeoutMs : Infinity;
}

export interface Dated {
  /** How long its reply may take once written (Infinity: no limit). */
  timeoutMs: number;
  /** performance.now() by which the reply is due; set when written. */
  deadline: number;
}

/**
 * The commands written to one socket and not yet answered, oldest first. Replies
 * come in order, so none is due before the one ahead of it: one timer, on the
 * oldest, finds a server that stopped answering.
 */
export class InFlight<T extends Dated> {
  private readonly fifo = new Fifo<T>();
  private timer: NodeJS.Timeout | null = null;
  /** The latest deadline given: a command written later is due no earlier. */
  private lastDeadline = 0;

  /** overdue: called once with the oldest command when its reply is late. */
  constructor(private readonly overdue: (oldest: T) => void) {}

  get length(): number {
    return this.fifo.length;
  }

  /** Dates a command as written now, no earlier than the one ahead of it. */
  push(item: T, now: number): void {
    item.deadline = this.lastDeadline = Math.max(this.lastDeadline, now + item.timeoutMs);
    this.fifo.push(item);
    if (!this.timer) this.watch();
  }

  /** The oldest command, as its reply arrives. */
  shift(): T | undefined {
    return this.fifo.shift();
  }

  /** Every command still waiting, for a socket that is gone; the next socket starts afresh. */
  drain(): T[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastDeadline = 0;
    return this.fifo.drain();
  }

  private watch(): void {
    const head = this.fifo.peek();
    if (!head || head.deadline === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const oldest = this.fifo.peek();
      if (!oldest) return;
      if (oldest.deadline > performance.now()) return this.watch();
      this.overdue(oldest);
    }, Math.max(1, head.deadline - performance.now()));
    this.timer.unref();
  }
}
