import cluster from 'node:cluster';
import { rmSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from './node-http.ts';

/** How long a unix socket still accepts after its path is gone: the backlog is emptied in the loop's next poll. */
const BACKLOG_ACCEPT_MS = 100;

/**
 * An HTTP server that shuts down without failing a request routed to it.
 * The load balancer keeps connections open to us, so on shutdown we:
 * 1. stop accepting, so that new connections go to the peer: on a unix socket the
 *    path is removed first (a balancer's connect then fails before it sends
 *    anything, and it tries the other instance) and connections already waiting
 *    in the listen backlog are still accepted for a moment; only then does the
 *    listener close. Closed at once, it would reset those, failing requests the
 *    balancer has already sent, and a POST that reached us is never re-sent.
 *    Idle connections stay open: closing one as the balancer writes a POST on it
 *    would fail that POST the same way;
 * 2. answer every further request with "Connection: close", so the balancer drops
 *    each connection after its last response;
 * 3. after the grace period (longer than the balancer's upstream idle timeout, so
 *    it has dropped the idle ones) close whatever is left.
 * A TCP listener cannot be hidden before it closes: the backlog's race remains there.
 * Under node:cluster the primary owns the socket path (src/api/main.ts).
 */
export function createDrainableServer(handler: RequestListener, checkContinue?: RequestListener): { server: Server; drain(graceMs: number): Promise<void> } {
  let draining = false;
  const closingWhenDraining =
    (listener: RequestListener): RequestListener =>
    (req, res) => {
      if (draining) res.setHeader('Connection', 'close');
      listener(req, res);
    };
  const server = http.createServer({ keepAlive: true }, closingWhenDraining(handler));
  // `Expect: 100-continue` requests come here instead (see Router.checkContinue).
  if (checkContinue) server.on('checkContinue', closingWhenDraining(checkContinue));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (_err, socket) => socket.destroy());

  async function drain(graceMs: number): Promise<void> {
    draining = true;
    const path = server.address();
    if (typeof path === 'string' && !cluster.isWorker) await withdrawSocketPath(path);
    // net.Server#close stops listening only; http.Server#close would also drop idle connections now.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await connectionCount(server)) > 0) await sleep(50);
    server.closeAllConnections();
    await closed;
  }
  return { server, drain };
}

function connectionCount(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count)));
}

/**
 * Removes a listening unix socket's path, then waits while the connections already
 * in its backlog are accepted: after it, the listener can close without resetting any.
 */
export async function withdrawSocketPath(path: string): Promise<void> {
  rmSync(path, { force: true });
  await sleep(BACKLOG_ACCEPT_MS);
}
