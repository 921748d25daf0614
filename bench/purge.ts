/**
 * The backend's purge, as make bench and the stack tests call it: with the
 * X-Purge-Token the running stack was given. make up hands the services
 * PURGE_TOKEN from the environment or `.env` (compose's rule); the same rule
 * finds it here, so a token kept only in `.env` still purges.
 */
import { resolve } from 'node:path';
import { composeVariables } from './standin/local/compose.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** The stack's PURGE_TOKEN; undefined when unset or empty (purge is then open). */
export function purgeToken(root = ROOT): string | undefined {
  return composeVariables(root).PURGE_TOKEN || undefined;
}

/** POST /purge-payments with the stack's token; throws unless it answers 200. */
export async function purgeBackend(base = 'http://localhost:9999', root = ROOT): Promise<void> {
  const token = purgeToken(root);
  const res = await fetch(`${base}/purge-payments`, { method: 'POST', headers: token === undefined ? {} : { 'X-Purge-Token': token } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`POST ${base}/purge-payments answered ${res.status}: ${body}`);
}
