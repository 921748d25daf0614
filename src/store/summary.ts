import type { RedisConnection } from '../redis/connection.ts';
import { Script } from '../redis/script.ts';
import { BUCKET_MS, keys, type Processor } from './keys.ts';
import { integers } from './reply.ts';
import { NO_FROM, NO_TO } from '../time.ts';

/**
 * Count and cents of one processor's ledger for requestedAt in [fromMs, toMs].
 * Whole 100 ms buckets come from the bucket hashes; the two partial buckets at
 * the edges are scanned exactly, in the log and in the folded record of
 * members the retention moved out of it (see retention.ts). Cost: O(min(buckets in window, buckets used))
 * plus the payments of two buckets, so a summary stays cheap during a load test.
 */
export const summaryScript = new Script(
  'summary',
  `
local from, to, width = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local count, cents = 0, 0
if from > to then return {0, 0} end
if ARGV[4] == 'all' then
  local total = redis.call('HMGET', KEYS[4], 'count', 'cents')
  return {tonumber(total[1]) or 0, tonumber(total[2]) or 0}
end
local function scan(a, b)
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], a, b)) do
    count = count + 1
    cents = cents + tonumber(string.match(member, '|(%d+)$'))
  end
  local bucket = math.floor(a / width)
  local folded = redis.call('HGET', KEYS[5], bucket)
  if not folded then return end
  local lo, hi = a - bucket * width, b - bucket * width
  for offset, c in string.gmatch(folded, '(%d+):(%d+),') do
    offset = tonumber(offset)
    if offset >= lo and offset <= hi then
      count = count + 1
      cents = cents + tonumber(c)
    end
  end
end
local first, last = math.floor(from / width), math.floor(to / width)
if first == last then
  scan(from, to)
  return {count, cents}
end
scan(from, (first + 1) * width - 1)
scan(last * width, to)
local lo, hi = first + 1, last - 1
if hi < lo then return {count, cents} end
if hi - lo + 1 <= redis.call('HLEN', KEYS[2]) then
  local fields = {}
  for b = lo, hi do
    fields[#fields + 1] = b
    if #fields == 1000 or b == hi then
      local counts = redis.call('HMGET', KEYS[2], unpack(fields))
      local sums = redis.call('HMGET', KEYS[3], unpack(fields))
      for i = 1, #fields do
        count = count + (tonumber(counts[i]) or 0)
        cents = cents + (tonumber(sums[i]) or 0)
      end
      fields = {}
    end
  end
else
  local all = redis.call('HGETALL', KEYS[2])
  for i = 1, #all, 2 do
    local b = tonumber(all[i])
    if b >= lo and b <= hi then
      count = count + tonumber(all[i + 1])
      cents = cents + tonumber(redis.call('HGET', KEYS[3], all[i]))
    end
  end
end
return {count, cents}
`,
);

export interface Totals {
  count: number;
  cents: number;
}

/** The ledger's totals for one processor over [fromMs, toMs], both inclusive. */
export async function ledgerTotals(redis: RedisConnection, p: Processor, fromMs: number, toMs: number): Promise<Totals> {
  const all = fromMs <= NO_FROM && toMs >= NO_TO ? 'all' : 'window';
  const [count = 0, cents = 0] = integers(await summaryScript.run(redis, [keys.log(p), keys.bucketCount(p), keys.bucketCents(p), keys.total(p), keys.folded(p)], [fromMs, toMs, BUCKET_MS, all]), 'summary');
  return { count, cents };
}
