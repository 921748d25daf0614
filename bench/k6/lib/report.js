// The plain-text report handleSummary prints to stdout.
import { metricValue } from './score.js';

const fmt = (n, places = 2) => (Number.isFinite(n) ? n.toFixed(places) : String(n));

function trendLine(data, name, label) {
  const v = data.metrics[name] && data.metrics[name].values;
  if (!v) return `  ${label}: n/a`;
  return `  ${label}: avg ${fmt(v.avg)} med ${fmt(v.med)} p90 ${fmt(v['p(90)'])} p95 ${fmt(v['p(95)'])} p99 ${fmt(v['p(99)'])} max ${fmt(v.max)} ms`;
}

// s is score.json's `summary` (computeScore's result).
export function textReport(data, s, config) {
  const reqs = metricValue(data, 'http_reqs', 'count', 0);
  const failRate = metricValue(data, 'http_req_failed', 'rate', 0);
  const lines = [
    '',
    `Rinha 2025 contest run: ${s.duration_s}s, ${s.max_requests} VUs max, backend ${config.backend}`,
    `  http requests: ${reqs} (${fmt(failRate * 100)}% failed)`,
    trendLine(data, 'http_req_duration{expected_response:true}', 'duration, successful requests'),
    trendLine(data, 'http_req_duration{endpoint:payments,expected_response:true}', 'duration, successful payments '),
    `  payments sent: ${s.accepted} accepted, ${s.failed} failed`,
    `  backend reports: default ${s.default_count} (${fmt(s.default_amount)}), fallback ${s.fallback_count} (${fmt(s.fallback_amount)})` +
      `; processors hold ${s.processor_default_count}/${s.processor_fallback_count}`,
    `  lag: ${s.lag}${s.disqualified ? '  ** DISQUALIFIED: backend reports more payments than were accepted **' : ''}`,
    `  inconsistencies: ${s.inconsistencies} (per-processor ${s.inconsistencies_per_processor}, check errors ${s.consistency_check_errors})`,
    `  p99: ${s.p99_ms} ms -> bonus ${fmt(s.bonus * 100, 0)}%; fine ${fmt(s.fine * 100, 0)}%`,
    `  gross ${fmt(s.gross)} - fees ${fmt(s.fees)} -> NET ${fmt(s.net)} (${fmt(s.net_pct_of_ceiling)}% of ceiling ${fmt(s.ceiling)})`,
  ];
  if (!s.final_reads_ok) lines.push('  ** teardown could not read the backend summary: gross/net are zero **');
  if (!s.valid) lines.splice(1, 0, '  ** INVALID RUN (aborted, nothing sent or no final reads): the score below means nothing **');
  if (s.admin_errors > 0) lines.push(`  ** ${s.admin_errors} processor admin call(s) failed: stages were not applied **`);
  lines.push(`  written: ${config.resultsDir}/score.json, ${config.resultsDir}/k6-summary.json`, '');
  return lines.join('\n');
}
