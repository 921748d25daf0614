import fs from 'node:fs';
import { join } from 'node:path';
import type { RedisConnection } from '../redis/connection.ts';
import { DELETED, ingestedOffsets } from '../store/journal.ts';
import { completeLines, isPayment, parseSegmentName } from './segment.ts';

/** Payments the APIs journaled that no tailer has moved into Redis yet. */
export interface JournalBacklog {
  payments: number;
  segments: number;
  /** Age of the oldest of them; null when there are none. */
  oldestAgeMs: number | null;
}

/**
 * Reads each segment past its ingested offset (at most its 8 MB) and counts the
 * complete payment lines there: for the consistency report, on demand, not on
 * any request's path. A line still being written is not counted, as the tailer
 * would not take it either.
 */
export async function journalBacklog(redis: RedisConnection, dir: string, nowMs: number): Promise<JournalBacklog> {
  const offsets = await ingestedOffsets(redis);
  const backlog: JournalBacklog = { payments: 0, segments: 0, oldestAgeMs: null };
  for (const name of fs.readdirSync(dir)) {
    if (!parseSegmentName(name)) continue;
    const from = offsets.get(name) ?? 0;
    if (from === DELETED) continue;
    let unread: string;
    try {
      unread = readFrom(join(dir, name), from);
    } catch {
      continue; // deleted since the directory was read: read to its end
    }
    const lines = completeLines(unread).filter(isPayment);
    if (lines.length === 0) continue;
    backlog.segments++;
    backlog.payments += lines.length;
    const acceptedAtMs = Number(lines[0]!.split('|')[2]);
    if (Number.isFinite(acceptedAtMs)) backlog.oldestAgeMs = Math.max(backlog.oldestAgeMs ?? 0, nowMs - acceptedAtMs);
  }
  return backlog;
}

/** What a file holds past `from`, one byte per character. */
function readFrom(path: string, from: number): string {
  const fd = fs.openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - from));
    const read = fs.readSync(fd, bytes, 0, bytes.length, from);
    return bytes.toString('latin1', 0, read);
  } finally {
    fs.closeSync(fd);
  }
}
