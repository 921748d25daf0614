// Pure renderer for a load-test report: one self-contained SVG (four stacked charts sharing
// the time axis) and an HTML page with the title, the results table and the SVG inline.
import { PALETTE, el, esc, fmt, frame, legend, lines, niceScale, num, px, py, text, textWidth, type LegendEntry, type Panel } from './svg.ts';

export interface ReportInput {
  title: string;
  /** Epoch ms when the load started (t = 0 on the x axis). */
  startMs: number;
  /** Scenario length; the x axis spans at least this, plus whatever the samples cover (the drain). */
  durationSeconds: number;
  stages: { atSeconds: number; label: string }[];
  /** Per second since start, successful payment requests. */
  latency: { second: number; p99Ms: number; p50Ms: number; count: number }[];
  floorP99Ms: number | null;
  /** The floor run's p99 per second of the same ramp, on the run's seconds; drawn instead of one flat line when given. */
  floorLatency?: { second: number; p99Ms: number; count: number }[];
  /** Queue + in-flight depth, tMs relative to startMs. */
  queue: { tMs: number; depth: number }[];
  rss: { tMs: number; bytes: Record<string, number> }[];
  /** CPU % of one core over the last second, per service. */
  cpu: { tMs: number; percent: Record<string, number> }[];
  table: { label: string; value: string }[];
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

// Layout (px). The legend column sits right of the plots.
const WIDTH = 1000;
const LEFT = 64;
const PLOT_W = 770;
const LEGEND_X = LEFT + PLOT_W + 14;
const PLOT_H = 130;
const BLOCK = PLOT_H + 62; // plot + x labels + next chart's title
const MB = 1024 * 1024;
const RSS_GUIDE_MB = 60;

const finite = (v: number): boolean => Number.isFinite(v);
const maxOf = (vs: number[]): number => vs.reduce((m, v) => (finite(v) && v > m ? v : m), 0);

export function renderReport(input: ReportInput): { svg: string; html: string } {
  const svg = renderSvg(input);
  const rows = input.table.map((r) => `<tr><th>${esc(r.label)}</th><td>${esc(r.value)}</td></tr>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#111}.wrap{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #ddd;padding:4px 10px;text-align:left}th{background:#f4f4f4;font-weight:600}</style>
</head><body><h1>${esc(input.title)}</h1>
<div class="wrap"><table>
${rows}
</table>
<div>${svg}</div></div>
</body></html>
`;
  return { svg, html };
}

function renderSvg(input: ReportInput): string {
  const sec = (tMs: number): number => tMs / 1000;
  // x axis: the scenario plus the drain, rounded up to 10 s; ticks every 10 s (wider if very long).
  const lastSample = Math.max(
    0,
    ...input.latency.map((r) => r.second + 1),
    ...[...input.queue, ...input.rss, ...input.cpu].map((s) => sec(s.tMs)),
  );
  const xMax = Math.max(10, Math.ceil(Math.max(input.durationSeconds || 0, lastSample) / 10 - 1e-9) * 10);
  const xStep = 10 * Math.ceil(xMax / 10 / 20);

  // Stage labels above the charts, staggered into rows so neighbours don't overlap.
  const stages = input.stages.filter((s) => finite(s.atSeconds) && s.atSeconds >= 0 && s.atSeconds <= xMax)
    .sort((a, b) => a.atSeconds - b.atSeconds);
  const rowEnds: number[] = [];
  const placed = stages.map((s) => {
    const w = textWidth(s.label, 10) + 3;
    const x = Math.min(LEFT + (s.atSeconds / xMax) * PLOT_W, WIDTH - 4 - w);
    let row = rowEnds.findIndex((end) => end + 6 < x);
    if (row < 0) row = rowEnds.length < 3 ? rowEnds.length : rowEnds.length - 1;
    rowEnds[row] = x + w;
    return { ...s, x, row };
  });
  const stageTop = 46;
  const firstPlotY = stageTop + Math.max(1, rowEnds.length) * 12 + 28;
  const height = firstPlotY + 4 * BLOCK - 20;
  const panel = (i: number, yMax: number): Panel => ({ x: LEFT, y: firstPlotY + i * BLOCK, w: PLOT_W, h: PLOT_H, xMax, yMax });

  // Services get one colour each, shared by the RSS and CPU charts.
  const services: string[] = [];
  for (const s of [...input.rss.map((r) => r.bytes), ...input.cpu.map((c) => c.percent)])
    for (const name of Object.keys(s)) if (!services.includes(name)) services.push(name);
  const colour = (name: string): string => PALETTE[services.indexOf(name) % PALETTE.length]!;

  const charts = [
    latencyChart(input, panel, xStep),
    queueChart(input, panel, xStep),
    serviceChart(2, 'Memory (RSS per service, MB)', input.rss.map((r) => ({ tMs: r.tMs, v: scale(r.bytes, 1 / MB) })), ' MB', RSS_GUIDE_MB),
    serviceChart(3, 'CPU (% of one core, per service)', input.cpu.map((c) => ({ tMs: c.tMs, v: c.percent })), '%', null),
  ];

  function serviceChart(i: number, title: string, samples: { tMs: number; v: Record<string, number> }[], unit: string, guide: number | null): string {
    const peaks = services.map((name) => maxOf(samples.map((s) => s.v[name] ?? NaN)));
    const y = niceScale(Math.max(maxOf(peaks), guide === null ? 10 : guide * 1.1));
    const p = panel(i, y.max);
    const parts = [frame(p, title, y.ticks, xStep)];
    if (guide !== null) {
      parts.push(el('line', { x1: p.x, y1: py(p, guide), x2: p.x + p.w, y2: py(p, guide), stroke: '#555', 'stroke-width': 1.2, 'stroke-dasharray': '6 4' }));
      parts.push(text(p.x + p.w - 4, py(p, guide) - 4, `${guide}${unit}`, { 'text-anchor': 'end', fill: '#555', 'font-size': 10 }));
    }
    const sorted = [...samples].filter((s) => s.tMs >= 0).sort((a, b) => a.tMs - b.tMs);
    for (const name of services) {
      const pts = sorted.map((s): [number, number] | null => {
        const v = s.v[name];
        return v !== undefined && finite(v) ? [px(p, sec(s.tMs)), py(p, v)] : null;
      });
      parts.push(lines(pts, colour(name)));
    }
    if (samples.length === 0) parts.push(noData(p));
    const entries: LegendEntry[] = services.map((name, k) => ({ label: `${name} peak ${fmt(peaks[k]!)}${unit}`, color: colour(name) }));
    if (guide !== null) entries.push({ label: `guide ${guide}${unit}`, color: '#555', dashed: true });
    parts.push(legend(LEGEND_X, p.y + 10, entries));
    return el('g', {}, ...parts);
  }

  // Stage boundaries: dashed verticals inside every plot, labels in the band at the top.
  const stageMarks = placed.map((s) => {
    const x = LEFT + (s.atSeconds / xMax) * PLOT_W;
    const verticals = [0, 1, 2, 3].map((i) => {
      const top = firstPlotY + i * BLOCK;
      return el('line', { x1: x, y1: top, x2: x, y2: top + PLOT_H, stroke: '#888', 'stroke-width': 1, 'stroke-dasharray': '4 4' });
    });
    const labelY = stageTop + s.row * 12;
    const tick = el('line', { x1: x, y1: labelY - 9, x2: x, y2: labelY + 2, stroke: '#888', 'stroke-width': 1 });
    return el('g', {}, ...verticals, tick, text(s.x + 3, labelY, s.label, { 'font-size': 10, fill: '#444' }));
  });

  const bottom = firstPlotY + 3 * BLOCK + PLOT_H;
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width: WIDTH, height, viewBox: `0 0 ${WIDTH} ${height}`, 'font-family': 'sans-serif' },
    el('rect', { x: 0, y: 0, width: WIDTH, height, fill: '#ffffff' }),
    text(LEFT, 24, input.title, { 'font-size': 15, 'font-weight': 'bold', fill: '#111' }),
    ...charts,
    ...stageMarks,
    text(LEFT + PLOT_W / 2, bottom + 32, 'seconds since start', { 'text-anchor': 'middle', fill: '#666' }),
  );
}

/** Latency per second: p99 and p50 lines, the floor's p99 dashed (per second when kept), outliers clipped at the top. */
function latencyChart(input: ReportInput, panel: (i: number, yMax: number) => Panel, xStep: number): string {
  // Seconds with successful payments and a p99, in order: the run's (with a p50 too) and the floor's.
  const drawn = <R extends { second: number; count: number; p99Ms: number }>(all: R[], keep: (r: R) => boolean = () => true) =>
    all.filter((r) => r.count > 0 && r.second >= 0 && finite(r.p99Ms) && keep(r)).sort((a, b) => a.second - b.second);
  const rows = drawn(input.latency, (r) => finite(r.p50Ms));
  const values = rows.flatMap((r) => [r.p99Ms, r.p50Ms]);
  const highest = maxOf(values);
  // Clamp to 1.5 x the 98th percentile so a single outlier can't flatten the chart.
  const cap = values.length > 0 ? percentile(values, 98) * 1.5 : 0;
  const floor = input.floorP99Ms !== null && finite(input.floorP99Ms) ? input.floorP99Ms : null;
  const y = niceScale(Math.max(cap > 0 ? Math.min(highest, cap) : highest, (floor ?? 0) * 1.1, 1));
  const p = panel(0, y.max);
  const parts = [frame(p, 'Latency per second (ms), successful payments', y.ticks, xStep)];
  const floorRows = drawn(input.floorLatency ?? []);
  const dash = { 'stroke-width': 1.2, 'stroke-dasharray': '6 4' };
  // The floor's own spikes are clamped to the axis: they are not what the chart is about.
  if (floorRows.length > 0) parts.push(lines(floorRows.map((r) => [px(p, r.second + 0.5), py(p, Math.min(r.p99Ms, y.max))]), '#555', dash));
  else if (floor !== null) parts.push(el('line', { x1: p.x, y1: py(p, floor), x2: p.x + p.w, y2: py(p, floor), stroke: '#555', ...dash }));
  const series = (get: (r: (typeof rows)[number]) => number): ([number, number] | null)[] =>
    rows.flatMap((r, k) => {
      const pt: [number, number] = [px(p, r.second + 0.5), py(p, get(r))];
      return k > 0 && r.second - rows[k - 1]!.second > 1 ? [null, pt] : [pt]; // seconds without requests break the line
    });
  parts.push(lines(series((r) => r.p50Ms), '#1f77b4'), lines(series((r) => r.p99Ms), '#d62728'));
  const clipped = rows.filter((r) => r.p99Ms > y.max || r.p50Ms > y.max);
  for (const r of clipped) {
    const x = px(p, r.second + 0.5);
    parts.push(el('polyline', { points: `${x - 4},${p.y + 7} ${x},${p.y} ${x + 4},${p.y + 7}`, fill: '#d62728', stroke: 'none' }));
  }
  if (rows.length === 0) parts.push(noData(p));
  const entries: LegendEntry[] = [{ label: 'p99', color: '#d62728' }, { label: 'p50', color: '#1f77b4' }];
  if (floor !== null) entries.push({ label: floorRows.length > 0 ? `floor p99, all ${fmt(floor)} ms` : `floor p99 ${fmt(floor)} ms`, color: '#555', dashed: true });
  parts.push(legend(LEGEND_X, p.y + 10, entries));
  if (clipped.length > 0) {
    const note = [`\u25B2 ${clipped.length} s above ${fmt(y.max)} ms`, `(clipped, max ${fmt(highest)} ms)`];
    note.forEach((line, k) => parts.push(text(LEGEND_X, p.y + 10 + entries.length * 16 + 6 + k * 14, line, { fill: '#d62728', 'font-size': 10 })));
  }
  return el('g', {}, ...parts);
}

/** Queue + in-flight depth as a filled area. */
function queueChart(input: ReportInput, panel: (i: number, yMax: number) => Panel, xStep: number): string {
  const samples = input.queue.filter((s) => s.tMs >= 0 && finite(s.depth)).sort((a, b) => a.tMs - b.tMs);
  const peak = maxOf(samples.map((s) => s.depth));
  const y = niceScale(Math.max(peak, 4)); // whole-number ticks even when the queue stays near empty
  const p = panel(1, y.max);
  const parts = [frame(p, 'Queue + in-flight depth', y.ticks, xStep)];
  const pts = samples.map((s): [number, number] => [px(p, s.tMs / 1000), py(p, s.depth)]);
  if (pts.length > 0) {
    const base = p.y + p.h;
    const area = [[pts[0]![0], base], ...pts, [pts[pts.length - 1]![0], base]].map(([a, b]) => `${num(a!)},${num(b!)}`);
    parts.push(el('polyline', { points: area.join(' '), fill: '#9467bd', 'fill-opacity': 0.18, stroke: 'none' }));
    parts.push(lines(pts, '#9467bd'));
  } else parts.push(noData(p));
  parts.push(legend(LEGEND_X, p.y + 10, [{ label: `depth, peak ${fmt(peak)}`, color: '#9467bd' }]));
  return el('g', {}, ...parts);
}

function scale(values: Record<string, number>, factor: number): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v * factor]));
}

function noData(p: Panel): string {
  return text(p.x + p.w / 2, p.y + p.h / 2, 'no samples', { 'text-anchor': 'middle', fill: '#999', 'font-size': 12 });
}
