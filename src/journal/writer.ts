import fs from 'node:fs';
import { join } from 'node:path';
import { processRuns } from '../process.ts';
import { SEALED, SEALED_BYTES, endsSealed, parseSegmentName, segmentName } from './segment.ts';

export interface WriterOptions {
  /** A segment past this many bytes is sealed and the next one opened. */
  segmentBytes?: number;
  /** Written data is fdatasync'ed this often (as Redis's appendfsync everysec); 0: never. */
  syncEveryMs?: number;
  /** Told of each line once it is in the file, with the bytes it took there: the API's flusher (flush.ts). */
  onWritten?: (segment: string, line: string, start: number, end: number) => void;
}

/** A payment could not be written: it is not accepted. */
export class JournalError extends Error {}

/**
 * The API's side of the journal: each accepted payment is one line appended to
 * this process's own segment file with one write(2), before the 202. The write
 * reaches the kernel's page cache, the same promise as Redis's append-only file
 * with appendfsync everysec: it survives a crash of any process; an OS crash or
 * power loss can lose up to the last second. The worker tails the segments
 * (tail.ts) into the Redis queue, so POST /payments wakes no other process.
 */
export class JournalWriter {
  private fd = -1;
  private name = '';
  private seq = 0;
  private size = 0;
  /** A failed write may have left part of a line: the next write ends it first, so it reads as malformed, not merged. */
  private torn = false;
  private unsynced = false;
  private readonly syncTimer: NodeJS.Timeout | null;
  private readonly prefix: string;
  private readonly segmentBytes: number;
  private readonly onWritten: WriterOptions['onWritten'];

  constructor(
    private readonly dir: string,
    instance: string,
    options: WriterOptions = {},
  ) {
    this.segmentBytes = options.segmentBytes ?? 8 << 20;
    this.onWritten = options.onWritten;
    // The pid tells this process's segments apart from a sibling's (WORKERS > 1); the start time from a restart's.
    this.prefix = `${instance}-${process.pid}`;
    try {
      fs.mkdirSync(dir, { recursive: true });
      this.sealLeftovers(instance);
      this.openNext();
    } catch (err) {
      throw new Error(`JOURNAL_DIR: cannot write segments in "${dir}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const syncEveryMs = options.syncEveryMs ?? 1000;
    this.syncTimer = syncEveryMs > 0 ? setInterval(() => this.sync(), syncEveryMs) : null;
    this.syncTimer?.unref();
  }

  /** Appends one payment; throws JournalError when the line may not be whole on disk. */
  append(line: string): void {
    const text = this.torn ? `\n${line}\n` : `${line}\n`;
    let written: number;
    try {
      written = fs.writeSync(this.fd, text);
    } catch (err) {
      this.torn = true;
      this.size = fileSize(this.fd, this.size); // part of the text may have reached the file
      throw new JournalError(`journal write failed (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
    this.size += written;
    this.unsynced = true;
    if (written !== Buffer.byteLength(text)) {
      this.torn = true;
      throw new JournalError(`journal write cut short (${written} of ${text.length} bytes)`);
    }
    this.torn = false;
    this.onWritten?.(this.name, line, this.size - written, this.size);
    if (this.size >= this.segmentBytes) this.rotate();
  }

  /** Seals the current segment: the tailer may delete it once it has read it all. */
  close(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.fd < 0) return;
    seal(this.fd, this.torn);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  private rotate(): void {
    try {
      seal(this.fd, false);
      fs.closeSync(this.fd);
      this.openNext();
    } catch {
      // The full segment stays open: writes go on there and the next append tries again.
    }
  }

  private openNext(): void {
    this.seq++;
    const name = segmentName(this.prefix, Date.now(), this.seq);
    this.fd = fs.openSync(join(this.dir, name), 'a');
    this.name = name;
    this.size = 0;
  }

  private sync(): void {
    if (!this.unsynced || this.fd < 0) return;
    this.unsynced = false;
    fs.fdatasync(this.fd, () => {});
  }

  /**
   * Segments of this instance whose writer is gone are a dead predecessor's:
   * sealed, so the tailer deletes them once read. In a container the pid repeats
   * across restarts and a predecessor's pid is not visible; outside one, a
   * restarted process has a new pid and the old one no longer runs. A sibling
   * that still runs (WORKERS > 1) is left alone. A line a crash cut short is
   * ended as malformed.
   */
  private sealLeftovers(instance: string): void {
    for (const name of fs.readdirSync(this.dir)) {
      const segment = parseSegmentName(name);
      // Its pid again (a container's restart), or another pid that no longer runs.
      if (segment?.instance !== instance || (segment.writer !== this.prefix && processRuns(segment.pid))) continue;
      let fd: number;
      try {
        fd = fs.openSync(join(this.dir, name), 'r+'); // never 'a': a segment the tailer just deleted stays deleted
      } catch {
        continue;
      }
      try {
        const size = fs.fstatSync(fd).size;
        const tail = Buffer.alloc(Math.min(size, SEALED_BYTES));
        fs.readSync(fd, tail, 0, tail.length, size - tail.length);
        if (!endsSealed(tail.toString('latin1'))) fs.writeSync(fd, `\n${SEALED}\n`, size);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}

function fileSize(fd: number, fallback: number): number {
  try {
    return fs.fstatSync(fd).size;
  } catch {
    return fallback;
  }
}

/** The last line of a segment; `endLine` first ends a line a failed write may have cut short. */
function seal(fd: number, endLine: boolean): void {
  fs.writeSync(fd, endLine ? `\n${SEALED}\n` : `${SEALED}\n`);
}
