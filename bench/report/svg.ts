// Small helpers for hand-written SVG: escaping, elements, nice axis ticks and a chart frame.
// Only plain elements with inline attributes, so the image renders the same everywhere
// (browsers, GitHub README <img>, rsvg-convert).

/** Escapes text for use in XML/HTML content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate or size rounded to 0.1 px (keeps the markup short); non-finite becomes 0. */
export function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}

/** A tick or legend value with about three significant digits: 1234, 57.3, 4.25. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return String(a >= 100 ? Math.round(v) : Number(v.toFixed(a >= 10 ? 1 : 2)));
}

type Attrs = Record<string, string | number | undefined>;

/** One element; children are already-rendered markup. Self-closes when it has none. */
export function el(name: string, attrs: Attrs, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter((kv): kv is [string, string | number] => kv[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`)
    .join('');
  return children.length > 0 ? `<${name}${a}>${children.join('')}</${name}>` : `<${name}${a}/>`;
}

/** A text element with escaped content (11 px grey-black by default). */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, 'font-size': 11, fill: '#333', ...attrs }, esc(content));
}

/** Rough width of sans-serif text, for layout decisions (no font metrics available). */
export function textWidth(content: string, size = 11): number {
  return content.length * size * 0.58;
}

/** Distinct colours (Tableau 10) for services and series. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** A 0-based linear axis with about `count` round steps (1, 2, 2.5, 5 x 10^k) covering `max`. */
export function niceScale(max: number, count = 4): { max: number; ticks: number[] } {
  const want = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = want / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw - 1e-12) ?? 10) * mag;
  const top = Math.ceil(want / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 2; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { max: top, ticks };
}

/** A plot area in px and the data ranges it maps (x in seconds from 0, y from 0). */
export interface Panel { x: number; y: number; w: number; h: number; xMax: number; yMax: number }

export const px = (p: Panel, t: number): number => p.x + (Math.min(Math.max(t, 0), p.xMax) / p.xMax) * p.w;
export const py = (p: Panel, v: number): number => p.y + p.h - (Math.min(Math.max(v, 0), p.yMax) / p.yMax) * p.h;

/** Title, horizontal grid with y labels, x ticks with labels every `xStep` s, and the border. */
export function frame(p: Panel, title: string, yTicks: number[], xStep: number): string {
  const parts = [el('rect', { x: p.x, y: p.y, width: p.w, height: p.h, fill: '#fcfcfc' })];
  parts.push(text(p.x, p.y - 8, title, { 'font-size': 13, 'font-weight': 'bold', fill: '#111' }));
  for (const v of yTicks) {
    const y = py(p, v);
    parts.push(el('line', { x1: p.x, y1: y, x2: p.x + p.w, y2: y, stroke: '#e4e4e4', 'stroke-width': 1 }));
    parts.push(text(p.x - 6, y + 4, fmt(v), { 'text-anchor': 'end' }));
  }
  for (let t = 0; t <= p.xMax + 1e-9; t += xStep) {
    const x = px(p, t);
    parts.push(el('line', { x1: x, y1: p.y + p.h, x2: x, y2: p.y + p.h + 4, stroke: '#999', 'stroke-width': 1 }));
    parts.push(text(x, p.y + p.h + 15, String(t), { 'text-anchor': 'middle', fill: '#666' }));
  }
  parts.push(el('rect', { x: p.x, y: p.y, width: p.w, height: p.h, fill: 'none', stroke: '#999', 'stroke-width': 1 }));
  return el('g', {}, ...parts);
}

/** Polylines through the points; a null breaks the line (a gap in the data). */
export function lines(points: ([number, number] | null)[], stroke: string, extra: Attrs = {}): string {
  const runs: string[][] = [[]];
  for (const pt of points) {
    if (pt === null) runs.push([]);
    else runs[runs.length - 1]!.push(`${num(pt[0])},${num(pt[1])}`);
  }
  return runs
    .filter((r) => r.length > 0)
    .map((r) => (r.length === 1 ? [r[0]!, r[0]!] : r)) // a lone point still gets drawn (with round caps)
    .map((r) => el('polyline', { points: r.join(' '), fill: 'none', stroke, 'stroke-width': 1.5, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', ...extra }))
    .join('');
}

export interface LegendEntry { label: string; color: string; dashed?: boolean }

/** A legend column: coloured swatch (solid or dashed line) and label per row, 16 px apart. */
export function legend(x: number, y: number, entries: LegendEntry[]): string {
  return entries
    .map((e, i) => {
      const yy = y + i * 16;
      const swatch = el('line', { x1: x, y1: yy - 4, x2: x + 16, y2: yy - 4, stroke: e.color, 'stroke-width': e.dashed ? 1.5 : 3, 'stroke-dasharray': e.dashed ? '4 3' : undefined });
      return swatch + text(x + 22, yy, e.label, { 'font-size': 10.5 });
    })
    .join('');
}
