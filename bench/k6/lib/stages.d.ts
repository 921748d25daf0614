// Types for stages.js (plain JavaScript so that k6 runs it), for bench/run.ts.
export interface Stage {
  /** Second of a 60 s run at which the stage begins. */
  at: number;
  label: string;
  defaultDelay: number;
  defaultFailure: boolean;
  fallbackDelay: number;
  fallbackFailure: boolean;
}

export declare const STAGES: readonly Stage[];
