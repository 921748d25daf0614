/** Where a Redis server listens, parsed from REDIS_URL. */
export type RedisAddress =
  | { kind: 'tcp'; host: string; port: number; db: number }
  | { kind: 'unix'; path: string; db: number };

const EXPECTED = 'expected redis://host:port/db or unix:///path?db=N';

export function parseRedisUrl(text: string, name = 'REDIS_URL'): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name}: ${EXPECTED}, got "${text}"`);
  }
  if (url.protocol === 'unix:') {
    const db = parseDb(url.searchParams.get('db') ?? '0', text, name);
    if (!url.pathname || url.pathname === '/') throw new Error(`${name}: ${EXPECTED}, got "${text}" (no socket path)`);
    return { kind: 'unix', path: decodeURIComponent(url.pathname), db };
  }
  if (url.protocol !== 'redis:') throw new Error(`${name}: ${EXPECTED}, got "${text}"`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new Error(`${name}: ${EXPECTED}, got "${text}" (no host)`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const db = parseDb(url.pathname.replace(/^\//, '') || '0', text, name);
  return { kind: 'tcp', host, port, db };
}

function parseDb(text: string, url: string, name: string): number {
  if (!/^\d{1,2}$/.test(text)) throw new Error(`${name}: database must be a number 0-99, got "${text}" in "${url}"`);
  return Number(text);
}
