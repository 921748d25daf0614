// Defaults for smoke.js, applied before lib/config.js reads __ENV (imported
// modules run in import order, so this must stay smoke.js's first import).
// Values given with `k6 run -e NAME=...` still win.
const SMOKE_DEFAULTS = {
  DURATION_SECONDS: '20', // stages land at 0.3, 3.3, 6.7, 10, 13.3, 16.7 s
  MAX_REQUESTS: '150',
  CHECK_INTERVAL_SECONDS: '5', // a few consistency checks inside 20 s
};

for (const [name, value] of Object.entries(SMOKE_DEFAULTS)) {
  if (__ENV[name] === undefined || __ENV[name] === '') __ENV[name] = value;
}
