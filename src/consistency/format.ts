import { formatSeconds } from './books.ts';
import { signed } from './compare.ts';
import type { Finding } from './deep.ts';
import type { Report } from './report.ts';

/** The report as text for a person: a few aligned sections, the verdict last. */
export function formatReport(report: Report): string {
  const out: string[] = [`Consistency report at ${report.generatedAt}`, ''];
  out.push(...books(report), '', ...pending(report), '', ...processors(report));
  if (report.deep) out.push('', ...deep(report));
  out.push('', ...verdict(report));
  return out.join('\n') + '\n';
}

function books(report: Report): string[] {
  const b = report.books;
  const workers = b.workers.length === 0 ? 'none alive' : b.workers.map((w) => `${w.id} (${w.inProgress ?? '?'} in progress, beat ${w.ageMs === null ? '?' : formatSeconds(w.ageMs)} ago)`).join(', ');
  return [
    'Books',
    ...table([
      ['accepted', String(b.accepted), '', ''],
      ...(report.journal ? [['in the journal', String(report.journal.payments), '', report.journal.oldestAgeMs === null ? '' : `oldest ${formatSeconds(report.journal.oldestAgeMs)}`]] : []),
      ['queued', String(b.queued), '', ''],
      ['in flight', String(b.inFlight), '', `settling ${b.settling}`],
      ['processed default', String(b.processed.default.count), money(b.processed.default.amount), ''],
      ['processed fallback', String(b.processed.fallback.count), money(b.processed.fallback.amount), ''],
      ['duplicates refused', String(b.duplicatesRefused), '', ''],
      ['replays', String(b.replays), '', ''],
      ['oldest unprocessed', b.oldestUnprocessedAgeMs === null ? '-' : formatSeconds(b.oldestUnprocessedAgeMs), '', ''],
      ['workers', String(b.workers.length), '', workers],
    ], [false, true, true, false]),
  ];
}

function pending(report: Report): string[] {
  const s = report.sentNotProcessed;
  const lines = [`Sent but not processed: ${s.count} (unaccounted ${s.unaccounted}, over ${formatSeconds(s.stuck.thresholdMs)}: ${s.stuck.count})`];
  if (s.sample.length > 0) {
    lines.push(...table([['correlationId', 'where', 'age'], ...s.sample.map((p) => [p.correlationId, p.where, formatSeconds(p.ageMs)])], [false, false, true]));
  }
  return lines;
}

function processors(report: Report): string[] {
  const p = report.processors;
  if (!p.configured) return [`Processors: not compared (${p.reason})`];
  const rows = [['window', 'processor', 'ledger', 'amount', 'processor', 'amount', 'diff', 'amount']];
  for (const c of p.comparisons) {
    const theirs = c.atProcessor ? [String(c.atProcessor.count), money(c.atProcessor.amount)] : ['-', '-'];
    const diff = c.difference ? [signed(c.difference.count), signed(c.difference.amount, 2)] : ['-', c.error ?? 'unreachable'];
    rows.push([c.window, c.processor, String(c.ledger.count), money(c.ledger.amount), ...theirs, ...diff]);
  }
  const lines = ['Processors (difference = processor - ledger)', ...table(rows, [false, false, true, true, true, true, true, true])];
  const auditor = p.windows.find((w) => w.name === 'auditor');
  if (auditor) lines.push(`  auditor window: ${auditor.from} .. ${auditor.to}`);
  for (const u of p.unreachable) lines.push(`  ${u.processor} unreachable: ${u.error}`);
  return lines;
}

function deep(report: Report): string[] {
  const d = report.deep!;
  if (!('sampled' in d)) return [`Deep check: skipped (${d.skipped})`];
  const groups: [string, Finding[]][] = [
    ['on both processors', d.onBoth],
    ['wrong side', d.wrongSide],
    ['absent at processor', d.missingAtProcessor],
    ['amount/time differs', d.mismatched],
    ['awaiting ledger (normal)', d.awaitingLedger],
  ];
  const lines = [`Deep check: ${d.checked} payments looked up (${d.sampled.ledgered} recent ledger entries, ${d.sampled.inFlight} in flight)`];
  lines.push(...table(groups.map(([name, list]) => [name, String(list.length)]), [false, true]));
  for (const [name, list] of groups) {
    for (const f of list.slice(0, 5)) lines.push(`    ${name}: ${f.correlationId} ledger ${f.ledger}, at ${f.at.join('+') || 'none'}${f.detail ? ` (${f.detail})` : ''}`);
  }
  if (d.failedLookups > 0 || d.errors.length > 0) lines.push(`  failed lookups: ${d.failedLookups} (${d.errors.join('; ')})`);
  return lines;
}

function verdict(report: Report): string[] {
  const v = report.verdict;
  const lines = v.consistent ? [`Verdict: ${report.summary}`] : [`Verdict: INCONSISTENT, ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}:`];
  for (const problem of v.problems) lines.push(`  - ${problem}`);
  for (const note of v.notes) lines.push(`  note: ${note}`);
  return lines;
}

function money(amount: number): string {
  return amount.toFixed(2);
}

/** Columns padded to their widest cell, indented two spaces; `right` aligns numbers. */
function table(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}
