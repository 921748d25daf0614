// A 20 s, 150-VU version of contest.js: same scenarios, setup, teardown and
// scoring, with the processor stages compressed to the shorter run.
// make smoke runs it through bench/run.ts (by hand: k6 run -e RESULTS_DIR=<existing dir> bench/k6/smoke.js).
import './smoke-env.js';
export * from './contest.js';
