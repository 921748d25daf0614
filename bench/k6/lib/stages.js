// The contest's processor stages for a 60 s run: from second `at` on, each
// processor answers with this delay (ms) and fails or not. contest.js walks the
// table, scaled to DURATION_SECONDS; bench/run.ts marks the stages on the report.
// Plain data, no k6 import, so Node imports this same file (types: stages.d.ts).
export const STAGES = [
  { at: 1, label: 'start', defaultDelay: 0, defaultFailure: false, fallbackDelay: 0, fallbackFailure: false },
  { at: 10, label: 'default 100ms', defaultDelay: 100, defaultFailure: false, fallbackDelay: 0, fallbackFailure: false },
  { at: 20, label: 'default failing', defaultDelay: 100, defaultFailure: true, fallbackDelay: 0, fallbackFailure: false },
  { at: 30, label: 'both failing, slow', defaultDelay: 2000, defaultFailure: true, fallbackDelay: 1000, fallbackFailure: true },
  { at: 40, label: 'both 20ms', defaultDelay: 20, defaultFailure: false, fallbackDelay: 20, fallbackFailure: false },
  { at: 50, label: 'fallback 5s', defaultDelay: 0, defaultFailure: false, fallbackDelay: 5000, fallbackFailure: false },
];
