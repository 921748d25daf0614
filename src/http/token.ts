import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a request's token header matches the configured secret; never with no
 * secret configured or no header sent. Compared through digests: equal lengths,
 * so timingSafeEqual tells nothing about the secret, not even its length.
 */
export function tokenMatches(expected: string | null, given: string | string[] | undefined): boolean {
  if (expected === null || typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
