import type { RequestListener, Server } from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from './node-http.ts';

/**
 * An HTTP server that shuts down without failing a request routed to it.
 * The load balancer keeps connections open to us, so on shutdown we:
 * 1. stop accepting (the listening socket closes; new connections go to the peer),
 *    but keep idle connections open: closing one as the balancer writes a POST on
 *    it would fail that POST, and a POST that reached us is never re-sent;
 * 2. answer every further request with "Connection: close", so the balancer drops
 *    each connection after its last response;
 * 3. after the grace period (longer than the balancer's upstream idle timeout, so
 *    it has dropped the idle ones) close whatever is left.
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
