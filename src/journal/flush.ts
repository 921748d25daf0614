import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { ingest } from '../store/journal.ts';

/** Lines of one segment written since the last flush, contiguous from `from`. */
interface Batch {
  from: number;
  lines: string[];
  /** Where each line ends in the file. */
  ends: number[];
}

/**
 * The API's own way into the queue: the lines it journaled are moved into Redis
 * every `everyMs`, in one script run per segment (store/journal.ts), from the
 * process that is awake anyway, instead of waking the worker to read them. Off
 * the request's path: the 202 has gone before. A run finding the segment's offset
 * elsewhere (the worker's tail got there first) goes on from that offset; lines
 * it cannot place, or a run that fails, are left in the file for the worker's tail.
 */
export class JournalFlusher {
  /** Per segment, in file order: more than one only after a gap. */
  private readonly batches = new Map<string, Batch[]>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly everyMs: number,
  ) {}

  /** A line now in `segment` at bytes [start, end): the writer's onWritten. */
  add(segment: string, line: string, start: number, end: number): void {
    const batches = this.batches.get(segment) ?? [];
    const last = batches[batches.length - 1];
    if (last && last.ends[last.ends.length - 1] === start) {
      last.lines.push(line);
      last.ends.push(end);
    } else {
      // After a gap (a write that failed part way) a new batch: the flush cannot place it, the tail will.
      batches.push({ from: start, lines: [line], ends: [end] });
      this.batches.set(segment, batches);
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.everyMs);
  }

  /** Moves every batch now; resolves once done (for shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await (this.flushing = this.flushing.then(() => this.flush()));
  }

  private async flush(): Promise<void> {
    const segments = [...this.batches];
    this.batches.clear();
    for (const [segment, batches] of segments) {
      try {
        for (const batch of batches) await this.move(segment, batch);
        if (this.failing) log.info('journal: moving payments into Redis again');
        this.failing = false;
      } catch (err) {
        if (!this.failing) log.warn("journal: moving payments into Redis failed; they wait in the journal for the worker's tail", err);
        this.failing = true;
      }
    }
  }

  private async move(segment: string, batch: Batch): Promise<void> {
    let first = 0;
    let from = batch.from;
    while (first < batch.lines.length) {
      const done = await ingest(this.redis, segment, from, batch.ends[batch.ends.length - 1]!, batch.lines.slice(first));
      if (!('storedOffset' in done)) return;
      // Someone moved the offset: skip what it covers, if it ends on one of these lines.
      const covered = batch.ends.indexOf(done.storedOffset, first);
      if (covered === -1) return; // beyond this batch, or before it: the tail's to settle
      first = covered + 1;
      from = done.storedOffset;
    }
  }
}
