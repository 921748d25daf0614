import fs from 'node:fs';
import { join } from 'node:path';
import { log } from '../log.ts';
import type { RedisConnection } from '../redis/connection.ts';
import { DELETED, ingest, ingestedOffset, markDeleted } from '../store/journal.ts';
import { SEALED, completeLines, isPayment, parseSegmentName } from './segment.ts';

export interface TailOptions {
  /** How often each known segment is read for new lines: one pread(2) per segment. */
  pollMs: number;
  /** How often the directory itself is listed for new segments (a new API process, a rotation). */
  listMs?: number;
  /** Lines moved per script run: bounds how long one run holds Redis. */
  linesPerRun?: number;
}

interface Open {
  fd: number;
  /** Bytes ingested, as Redis holds it; null: unknown (an uncertain run), read it again. */
  offset: number | null;
  sealed: boolean;
}

const READ_BYTES = 256 << 10;

/**
 * The worker's side of the journal: every poll, reads each segment from its
 * stored offset and moves the complete lines there into the Redis queue
 * (store/journal.ts: exactly once, the offset moving with them). The APIs move
 * their own lines within ~20 ms (flush.ts), so this finds what they could not:
 * an API that died first, or lines written while Redis was away. A sealed
 * segment read to its end is deleted. Several tailers (several workers) may
 * run, beside the APIs: the offset check lets one win each step.
 */
export class JournalTail {
  private readonly open = new Map<string, Open>();
  private readonly buffer = Buffer.alloc(READ_BYTES);
  private timer: NodeJS.Timeout | null = null;
  /** Logged once per streak of failed polls, not every few milliseconds. */
  private failing = false;
  private polling: Promise<void> | null = null;
  private readonly linesPerRun: number;
  private readonly listEvery: number;
  private polls = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly dir: string,
    private readonly options: TailOptions,
  ) {
    this.linesPerRun = options.linesPerRun ?? 500;
    this.listEvery = Math.max(1, Math.round((options.listMs ?? 200) / options.pollMs));
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new Error(`JOURNAL_DIR: cannot use "${dir}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  start(): void {
    const next = () => {
      this.polling = this.poll()
        .then(
          () => {
            if (this.failing) log.info('journal: ingesting again');
            this.failing = false;
          },
          (err: unknown) => {
            if (!this.failing) log.warn(`journal: ingest failed; payments wait in ${this.dir}, retrying every ${this.options.pollMs} ms`, err);
            this.failing = true;
          },
        )
        .finally(() => {
          if (this.timer) this.timer = setTimeout(next, this.options.pollMs);
        });
    };
    this.timer = setTimeout(next, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    for (const segment of this.open.values()) fs.closeSync(segment.fd);
    this.open.clear();
  }

  /**
   * One pass over every segment; resolves with the payments it queued. The
   * directory is listed on the first poll and every listMs after: between
   * listings, only the segments already open are read.
   */
  async poll(): Promise<number> {
    if (this.polls++ % this.listEvery === 0) this.list();
    let queued = 0;
    for (const name of [...this.open.keys()]) queued += await this.drain(name);
    return queued;
  }

  /** Opens the segments that appeared, closes those another tailer deleted. */
  private list(): void {
    const names = new Set(fs.readdirSync(this.dir).filter((name) => parseSegmentName(name) !== null));
    for (const [name, segment] of this.open) {
      if (!names.has(name)) this.close(name, segment);
    }
    for (const name of names) {
      if (this.open.has(name)) continue;
      try {
        this.open.set(name, { fd: fs.openSync(join(this.dir, name), 'r'), offset: null, sealed: false });
      } catch {
        // deleted since the directory was read
      }
    }
  }

  private async drain(name: string): Promise<number> {
    const segment = this.open.get(name);
    if (!segment) return 0;
    let queued = 0;
    for (;;) {
      segment.offset ??= await ingestedOffset(this.redis, name);
      if (segment.offset === DELETED) {
        this.remove(name, segment); // another tailer finished it, and may have stopped short of the unlink
        return queued;
      }
      const from = segment.offset;
      const read = fs.readSync(segment.fd, this.buffer, 0, READ_BYTES, from);
      // latin1: one character per byte, so string positions are file offsets.
      const lines = completeLines(this.buffer.toString('latin1', 0, read));
      if (lines.length === 0) break;
      let start = from;
      for (let i = 0; i < lines.length; i += this.linesPerRun) {
        const part = lines.slice(i, i + this.linesPerRun);
        const end = start + part.reduce((bytes, line) => bytes + line.length + 1, 0);
        const payments = part.filter(isPayment);
        if (part.includes(SEALED)) segment.sealed = true;
        segment.offset = null; // until the run's outcome is known
        const done = await ingest(this.redis, name, start, end, payments);
        if ('storedOffset' in done) {
          segment.offset = done.storedOffset; // someone else moved it: go on from there
          break;
        }
        segment.offset = start = end;
        queued += done.queued;
        if (done.malformed) log.warn(`journal: ${done.malformed} malformed line(s) in ${name} skipped (a write cut short by a crash)`);
      }
      if (segment.offset !== start) continue; // moved by another tailer or an API: on from there (or found deleted)
      if (read < READ_BYTES) break;
    }
    if (segment.sealed && segment.offset === fs.fstatSync(segment.fd).size) {
      // Marked first: a tailer that finds the mark never reads the segment again, even from 0.
      await markDeleted(this.redis, name);
      this.remove(name, segment);
    }
    return queued;
  }

  private remove(name: string, segment: Open): void {
    fs.rmSync(join(this.dir, name), { force: true });
    this.close(name, segment);
  }

  private close(name: string, segment: Open): void {
    fs.closeSync(segment.fd);
    this.open.delete(name);
  }
}
