/**
 * A series of full runs (`RUNS=5 make bench`): one row per run, then the goals
 * a full run is held to (README, "Measured" and "How often"), checked
 * on each run, so that the series says in so many words how many met each one.
 */

/** The table of runs; bench/run.ts writes one row per run under it. */
export const SERIES_HEADER = [
  '| run (UTC) | p99 | floor p99 | p99 − floor | lag | inconsistencies | default / fallback | queue empty after last request | net profit | stack CPU per payment | worker CPU per payment | backlog at recovery | worker working it off | host busy / stolen, mean (peak second) | stolen in the floor run | wake-up p99: floor / run |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

/** What one full run measured, as numbers. */
export interface RunOutcome {
  lag: number;
  inconsistencies: number;
  fallback: number;
  accepted: number;
  /** Processed (default + fallback) once the queue drained. */
  processed: number;
  /** From the last request to an empty queue; null when the queue could not be read. */
  drainMs: number | null;
  /** p99 minus the floor's p99, same run. */
  gapMs: number;
  /** The failure window's backlog worked off; null when it was not measured. */
  workOff: { perSecond: number; usPerPayment: number } | null;
}

export const GOALS = { drainMs: 1000, workOffPerSecond: 2000, workOffUs: 200, gapMs: 2.8 } as const;

const checks: { goal: string; met: (r: RunOutcome) => boolean }[] = [
  {
    goal: 'lag 0, no inconsistency, none on fallback, every accepted payment processed',
    met: (r) => r.lag === 0 && r.inconsistencies === 0 && r.fallback === 0 && r.processed === r.accepted,
  },
  { goal: `queue empty within ${GOALS.drainMs / 1000} s of the last request`, met: (r) => r.drainMs !== null && r.drainMs <= GOALS.drainMs },
  {
    goal: `backlog worked off at ≥ ${GOALS.workOffPerSecond.toLocaleString('en')}/s and ≤ ${GOALS.workOffUs} µs a payment`,
    met: (r) => r.workOff !== null && r.workOff.perSecond >= GOALS.workOffPerSecond && r.workOff.usPerPayment <= GOALS.workOffUs,
  },
  { goal: `p99 within ${GOALS.gapMs} ms of the floor`, met: (r) => r.gapMs <= GOALS.gapMs },
];

/** One line per goal: how many of the runs met it, and whether all of them did. */
export function goalLines(runs: readonly RunOutcome[]): string[] {
  return checks.map(({ goal, met }) => {
    const count = runs.filter(met).length;
    return `- ${goal}: ${count} of ${runs.length}${count === runs.length ? '' : ' (not met)'}`;
  });
}

/**
 * The series as printed and written to bench/results/<time>-series.md: the table,
 * then the goals (for full runs only: they are the contest's run's goals).
 */
export function seriesText(runs: readonly { row: string; outcome: RunOutcome }[], withGoals: boolean): string {
  const goals = withGoals ? ['', 'Goals, runs that met each:', '', ...goalLines(runs.map((r) => r.outcome))] : [];
  return [...SERIES_HEADER, ...runs.map((r) => r.row), ...goals].join('\n');
}
