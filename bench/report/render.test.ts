import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, renderReport, type ReportInput } from './render.ts';

/** Throws unless `xml` is one well-formed element tree: balanced tags, quoted attributes, escaped text. */
function assertWellFormed(xml: string, root: string): void {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const stack: string[] = [];
  let seenRoot = false;
  let i = 0;
  while (i < xml.length) {
    if (xml[i] === '<') {
      tag.lastIndex = i;
      const m = tag.exec(xml);
      assert.ok(m, `malformed tag at ${i}: ${xml.slice(i, i + 60)}`);
      const [whole, close, name, , selfClose] = m;
      if (close) assert.equal(stack.pop(), name, `</${name}> at ${i} closes the wrong element`);
      else {
        if (stack.length === 0) {
          assert.ok(!seenRoot, 'only one root element');
          assert.equal(name, root);
          seenRoot = true;
        }
        if (!selfClose) stack.push(name!);
      }
      for (const value of whole.matchAll(/="([^"]*)"/g)) assertEscaped(value[1]!, i);
      i += whole.length;
    } else {
      const end = xml.indexOf('<', i) === -1 ? xml.length : xml.indexOf('<', i);
      const content = xml.slice(i, end);
      if (stack.length === 0) assert.equal(content.trim(), '', 'text outside the root');
      assertEscaped(content, i);
      i = end;
    }
  }
  assert.ok(seenRoot, 'has a root element');
  assert.deepEqual(stack, [], 'every opened element closes');
}

function assertEscaped(content: string, at: number): void {
  assert.ok(!content.includes('>'), `raw > near ${at}`);
  assert.ok(!/&(?!(amp|lt|gt|quot|#\d+);)/.test(content), `raw & near ${at}`);
}

/** Text content of every <text> element, unescaped. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
}

function sample(overrides: Partial<ReportInput> = {}): ReportInput {
  const seconds = Array.from({ length: 60 }, (_, s) => s);
  return {
    title: 'make bench, 2026-11-26 04:40 UTC, 60 s, 550 VUs',
    startMs: Date.UTC(2026, 10, 26, 4, 40),
    durationSeconds: 60,
    stages: [{ atSeconds: 0, label: 'warm-up' }, { atSeconds: 10, label: 'ramp to 550 VUs' }, { atSeconds: 50, label: 'drain' }],
    latency: seconds.map((s) => ({ second: s, p99Ms: 8 + (s % 5), p50Ms: 2 + (s % 3), count: 200 })),
    floorP99Ms: 6,
    queue: Array.from({ length: 650 }, (_, k) => ({ tMs: k * 100, depth: Math.round(40 * Math.sin(k / 60) ** 2) })),
    rss: seconds.map((s) => ({ tMs: s * 1000, bytes: { nginx: 8e6, api1: 40e6 + s * 1e5, api2: 41e6, worker: 30e6, redis: 12e6 } })),
    cpu: seconds.map((s) => ({ tMs: s * 1000, percent: { nginx: 10, api1: 35 + (s % 7), api2: 33, worker: 20, redis: 5 } })),
    table: [{ label: 'requests', value: '33 000' }, { label: 'p99', value: '12 ms' }],
    ...overrides,
  };
}

/** The largest y-axis tick label of the latency chart (the first chart's labels right-aligned at x=58). */
function latencyAxisMax(svg: string): number {
  const latency = svg.slice(0, svg.indexOf('Queue + in-flight depth'));
  const labels = [...latency.matchAll(/<text x="58"[^>]*text-anchor="end"[^>]*>([\d.]+)<\/text>/g)].map((m) => Number(m[1]));
  assert.ok(labels.length >= 3, 'latency chart has y tick labels');
  return Math.max(...labels);
}

test('the svg is one well-formed element tree from <svg to </svg>', () => {
  const { svg } = renderReport(sample());
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1000"/);
  assert.ok(svg.endsWith('</svg>'));
  assertWellFormed(svg, 'svg');
});

test('the svg uses only plain elements with inline attributes and no classes or styles', () => {
  const { svg } = renderReport(sample());
  const names = new Set([...svg.matchAll(/<([a-z]+)/g)].map((m) => m[1]));
  assert.deepEqual([...names].filter((n) => !['svg', 'g', 'rect', 'line', 'polyline', 'text'].includes(n!)), []);
  assert.doesNotMatch(svg, /class=|style=|<style|href/);
});

test('stage labels, chart titles and every service name appear in the svg', () => {
  const all = texts(renderReport(sample()).svg).join('\n');
  for (const label of ['warm-up', 'ramp to 550 VUs', 'drain', 'Latency per second', 'Queue + in-flight depth', 'Memory', 'CPU'])
    assert.ok(all.includes(label), label);
  for (const service of ['nginx', 'api1', 'api2', 'worker', 'redis']) assert.match(all, new RegExp(`^${service} peak`, 'm'));
  assert.ok(all.includes('guide 60 MB') && all.includes('floor p99 6 ms'));
});

test('the x axis has a tick every 10 s up to the end of the drain', () => {
  const { svg } = renderReport(sample({ durationSeconds: 60, queue: [{ tMs: 64_000, depth: 1 }] }));
  const latency = svg.slice(0, svg.indexOf('Queue + in-flight depth'));
  const ticks = [...latency.matchAll(/<text [^>]*fill="#666" text-anchor="middle">(\d+)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(ticks, ['0', '10', '20', '30', '40', '50', '60', '70'], 'the drain to 64 s rounds up to 70 s');
});

test('a title with <&> and quotes is escaped in the svg and the html', () => {
  const title = 'bench <a & b> "quoted"';
  const { svg, html } = renderReport(sample({ title, stages: [{ atSeconds: 5, label: 'x<y' }], table: [{ label: 'a&b', value: '<1 ms' }] }));
  assertWellFormed(svg, 'svg');
  assert.ok(!svg.includes('<a ') && !html.includes('<a '));
  assert.ok(svg.includes('bench &lt;a &amp; b&gt; &quot;quoted&quot;'));
  assert.ok(html.includes('<title>bench &lt;a &amp; b&gt; &quot;quoted&quot;</title>'));
  assert.ok(texts(svg).includes('x<y'));
  assert.ok(html.includes('<tr><th>a&amp;b</th><td>&lt;1 ms</td></tr>'));
});

test('the html page holds the title, a two-column table and the svg inline, with no external resources', () => {
  const { svg, html } = renderReport(sample());
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes('<h1>make bench, 2026-11-26 04:40 UTC, 60 s, 550 VUs</h1>'));
  assert.equal([...html.matchAll(/<tr><th>[^<]*<\/th><td>[^<]*<\/td><\/tr>/g)].length, 2);
  assert.ok(html.includes(svg));
  assert.doesNotMatch(html, /<(link|script|img)\b|src=|url\(/);
});

test('an empty input with no samples still renders a well-formed svg and html', () => {
  const empty: ReportInput = { title: '', startMs: 0, durationSeconds: 0, stages: [], latency: [], floorP99Ms: null, queue: [], rss: [], cpu: [], table: [] };
  const { svg, html } = renderReport(empty);
  assertWellFormed(svg, 'svg');
  assert.ok(!svg.includes('NaN') && !svg.includes('Infinity'));
  assert.equal(texts(svg).filter((t) => t === 'no samples').length, 4);
  assert.ok(html.includes(svg));
});

test('an outlier latency is clipped and marked instead of stretching the y axis', () => {
  const input = sample();
  input.latency[30] = { second: 30, p99Ms: 5000, p50Ms: 900, count: 3 };
  const { svg } = renderReport(input);
  assert.ok(latencyAxisMax(svg) <= 25, `axis max ${latencyAxisMax(svg)}`);
  const note = texts(svg).join('\n');
  assert.match(note, /1 s above \d+ ms/);
  assert.match(note, /max 5000 ms/);
  assert.equal([...svg.matchAll(/<polyline points="[^"]*" fill="#d62728" stroke="none"\/>/g)].length, 1, 'one clip marker');
});

test('without outliers the latency axis just covers the data and the floor', () => {
  const { svg } = renderReport(sample({ floorP99Ms: 30 }));
  const top = latencyAxisMax(svg);
  assert.ok(top >= 33 && top <= 50, `axis max ${top}`);
  assert.doesNotMatch(texts(svg).join('\n'), /clipped/);
});

test("the floor run's p99 per second is drawn as a dashed line through each second, not one flat line", () => {
  const floorLatency = Array.from({ length: 60 }, (_, s) => ({ second: s, p99Ms: 3 + (s % 4), count: 200 }));
  const { svg } = renderReport(sample({ floorP99Ms: 6, floorLatency }));
  const latency = svg.slice(0, svg.indexOf('Queue + in-flight depth'));
  const dashed = [...latency.matchAll(/<polyline points="([^"]*)"[^>]*stroke="#555"[^>]*stroke-dasharray="6 4"/g)];
  assert.equal(dashed.length, 1, 'one dashed floor line');
  assert.equal(dashed[0]![1]!.split(' ').length, 60, 'a point per second');
  assert.equal(new Set(dashed[0]![1]!.split(' ').map((pt) => pt.split(',')[1])).size, 4, 'it follows the four floor values');
  assert.doesNotMatch(latency, /<line [^>]*stroke-dasharray="6 4"/, 'no flat floor line');
  assert.ok(texts(svg).includes('floor p99, all 6 ms'));
});

test('without the floor per second, the floor p99 is one flat dashed line', () => {
  const { svg } = renderReport(sample({ floorP99Ms: 6 }));
  const latency = svg.slice(0, svg.indexOf('Queue + in-flight depth'));
  assert.match(latency, /<line [^>]*stroke="#555"[^>]*stroke-dasharray="6 4"/);
  assert.ok(texts(svg).includes('floor p99 6 ms'));
});

test('percentile is nearest-rank over unsorted values', () => {
  const values = [35, 20, 50, 15, 40];
  assert.equal(percentile(values, 5), 15);
  assert.equal(percentile(values, 30), 20);
  assert.equal(percentile(values, 40), 20);
  assert.equal(percentile(values, 50), 35);
  assert.equal(percentile(values, 100), 50);
  assert.equal(percentile(values, 0), 15);
  assert.deepEqual(values, [35, 20, 50, 15, 40], 'input left unsorted');
  const hundred = Array.from({ length: 100 }, (_, k) => 100 - k);
  assert.equal(percentile(hundred, 99), 99);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});
