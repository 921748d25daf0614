/**
 * A reader for the YAML subset our compose file uses: block mappings, block
 * sequences ("- item"), flow sequences (["a", "b"]), quoted and plain scalars,
 * comments. No anchors, no multi-line scalars. It throws on anything else, so the
 * compose file cannot drift into syntax this reader would misread.
 */
export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  number: number;
}

export function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') return;
    if (/\t/.test(raw.slice(0, raw.length - raw.trimStart().length))) throw new Error(`line ${i + 1}: tabs are not allowed in indentation`);
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), number: i + 1 });
  });
  const state = { at: 0 };
  const value = block(lines, state, 0);
  if (state.at < lines.length) throw new Error(`line ${lines[state.at]!.number}: unexpected indentation`);
  return value;
}

function block(lines: Line[], state: { at: number }, indent: number): Yaml {
  const first = lines[state.at];
  if (!first || first.indent < indent) return {};
  return first.text.startsWith('- ') || first.text === '-' ? sequence(lines, state, first.indent) : mapping(lines, state, first.indent);
}

function sequence(lines: Line[], state: { at: number }, indent: number): Yaml[] {
  const items: Yaml[] = [];
  while (state.at < lines.length && lines[state.at]!.indent === indent && lines[state.at]!.text.startsWith('-')) {
    const line = lines[state.at++]!;
    const rest = line.text.slice(1).trim();
    if (rest === '') items.push(block(lines, state, indent + 1));
    else if (/^[\w.-]+:(\s|$)/.test(rest)) throw new Error(`line ${line.number}: mappings inside sequences are not supported`);
    else items.push(scalar(rest, line.number));
  }
  return items;
}

function mapping(lines: Line[], state: { at: number }, indent: number): { [key: string]: Yaml } {
  const map: { [key: string]: Yaml } = {};
  while (state.at < lines.length && lines[state.at]!.indent === indent) {
    const line = lines[state.at++]!;
    const m = /^("[^"]*"|'[^']*'|[^:]+):(?:\s+(.*))?$/.exec(line.text);
    if (!m) throw new Error(`line ${line.number}: expected "key: value", got "${line.text}"`);
    const key = unquote(m[1]!.trim());
    if (key in map) throw new Error(`line ${line.number}: key "${key}" given twice`);
    if (key === '<<') throw new Error(`line ${line.number}: anchors and merge keys are not supported`);
    const rest = m[2]?.trim() ?? '';
    map[key] = rest === '' ? block(lines, state, indent + 1) : scalar(rest, line.number);
  }
  return map;
}

function scalar(text: string, number: number): Yaml {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${number}: flow sequences must close on the same line`);
    const inner = text.slice(1, -1).trim();
    if (inner === '') return [];
    return (inner.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^,]+/g) ?? []).map((item) => unquote(item.trim())).filter((item) => item !== '');
  }
  if (text.startsWith('&') || text.startsWith('*') || text.startsWith('|') || text.startsWith('>')) {
    throw new Error(`line ${number}: anchors, aliases and block scalars are not supported`);
  }
  return unquote(text);
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return JSON.parse(text) as string;
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}
