/**
 * A journal segment: one file per API process and period, named
 * `<instance>-<pid>-<openedAtMs>-<seq>.log`, holding one line per accepted
 * payment ("id|cents|acceptedAtMs", the queue's entry) and, once its writer is
 * done with it, a last line SEALED. Only its writer appends; only a tailer deletes.
 */
export const SEALED = '#sealed';
const SEALED_TAIL = `${SEALED}\n`;

export interface SegmentName {
  /** `<instance>-<pid>`: the process that writes it. */
  writer: string;
  instance: string;
  pid: number;
  openedAtMs: number;
  seq: number;
}

const NAME = /^((.+)-(\d+))-(\d+)-(\d+)\.log$/;

export function segmentName(writer: string, openedAtMs: number, seq: number): string {
  return `${writer}-${openedAtMs}-${String(seq).padStart(6, '0')}.log`;
}

/** Null for any file that is not a segment. */
export function parseSegmentName(name: string): SegmentName | null {
  const match = NAME.exec(name);
  return match ? { writer: match[1]!, instance: match[2]!, pid: Number(match[3]), openedAtMs: Number(match[4]), seq: Number(match[5]) } : null;
}

/** Whether a segment's last bytes are its seal. */
export function endsSealed(tail: string): boolean {
  return tail.endsWith(SEALED_TAIL);
}

export const SEALED_BYTES = Buffer.byteLength(SEALED_TAIL);

/** The whole lines of what was read (each had its newline), without those newlines; a line still being written is left out. */
export function completeLines(text: string): string[] {
  const end = text.lastIndexOf('\n');
  return end === -1 ? [] : text.slice(0, end).split('\n');
}

/** A line that stands for a payment: not the seal, not the empty line a failed write's repair leaves. */
export function isPayment(line: string): boolean {
  return line !== '' && line !== SEALED;
}
