import type { RedisConnection } from '../redis/connection.ts';
import { JournalFlusher } from './flush.ts';
import { JournalWriter, type WriterOptions } from './writer.ts';

export interface ApiJournal {
  writer: JournalWriter;
  /** Seals the segment, then moves what is still unflushed: for shutdown. */
  close(): Promise<void>;
}

/**
 * An API process's journal: its segment writer and, unless `flushMs` is 0, the
 * flusher that moves what it writes into Redis (flush.ts). Throws, naming
 * JOURNAL_DIR, when the directory cannot be written.
 */
export function openJournal(redis: RedisConnection, dir: string, instance: string, flushMs: number, options: WriterOptions = {}): ApiJournal {
  const flusher = flushMs > 0 ? new JournalFlusher(redis, flushMs) : null;
  const onWritten = flusher ? (segment: string, line: string, start: number, end: number) => flusher.add(segment, line, start, end) : undefined;
  const writer = new JournalWriter(dir, instance, { ...options, onWritten });
  return {
    writer,
    async close() {
      writer.close();
      await flusher?.close();
    },
  };
}
