import type { RedisConnection } from '../redis/connection.ts';
import type { Script } from '../redis/script.ts';
import { olderThanScript } from './books.ts';
import { recordScript } from './ledger.ts';
import { ingestScript } from './journal.ts';
import { hsetScript, setScript } from './past-limit.ts';
import { purgeScript } from './purge.ts';
import { enqueueScript, moveScript } from './queue.ts';
import { foldScript, pruneScript } from './retention.ts';
import { summaryScript } from './summary.ts';

/**
 * Every Lua script the system runs, in one list. Each process (API, worker)
 * loads them all at start, so no first run pays for an EVAL fallback
 * (NOSCRIPT, then EVAL: a second round trip and the script's source on the
 * wire). src/store/scripts.test.ts checks that no script is left out.
 */
export const SCRIPTS: readonly Script[] = [
  enqueueScript,
  ingestScript,
  moveScript,
  recordScript,
  summaryScript,
  foldScript,
  pruneScript,
  olderThanScript,
  purgeScript,
  setScript,
  hsetScript,
];

/** SCRIPT LOAD of every script: a few ms once at start. */
export async function loadScripts(redis: RedisConnection): Promise<void> {
  await Promise.all(SCRIPTS.map((script) => script.load(redis)));
}
