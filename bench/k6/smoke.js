// A 20 s, 150-VU version of contest.js: same scenarios, setup, teardown and
// scoring, with the processor stages compressed to the shorter run.
//   bench/k6/run.sh smoke     (or: mkdir -p bench/results/latest && k6 run bench/k6/smoke.js)
import './smoke-env.js';
export * from './contest.js';
