import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import net from 'node:net';

/** Connections the warm-up posts on, and requests written at once on each (pipelined, as keep-alive allows). */
const CONNECTIONS = 4;
const PIPELINED = 8;
const STATUS = /HTTP\/1\.1 (\d{3}) /g;

/**
 * Posts `payments` made-up payments to `server` (listening on nothing yet) over a
 * socket of its own, and resolves once every one was answered 202. Why: V8 compiles
 * what runs often, so the first thousands of requests a fresh API answers cost it
 * about twice the CPU of later ones (node:http's parser and response, the router,
 * validation). In the contest the stack answers one test, right after it starts:
 * every payment would be early. The server given must store nothing (its journal
 * discards): these payments exist only here. Rejects, naming why, on any other
 * answer or after `timeoutMs`; the server is closed either way.
 */
export async function warmUp(server: Server, payments: number, timeoutMs = 10_000): Promise<void> {
  if (payments <= 0) return;
  // An abstract unix socket: no file to leave behind, nothing another process could reach by a path.
  const address = `\0rinha-warm-up-${process.pid}-${randomUUID()}`;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(address, () => resolve()));
  const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
  try {
    const share = Math.ceil(payments / CONNECTIONS);
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => post(address, Math.min(share, payments - i * share))));
  } finally {
    clearTimeout(deadline);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** `count` payments on one connection, PIPELINED at a time, as nginx forwards them (same headers). */
function post(address: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (count <= 0) return resolve();
    const socket = net.connect(address);
    let sent = 0;
    let answered = 0;
    let pending = '';
    const sendBatch = () => {
      const batch: string[] = [];
      for (const end = Math.min(count, sent + PIPELINED); sent < end; sent++) batch.push(request(sent));
      socket.write(batch.join(''));
    };
    socket.setEncoding('latin1');
    socket.on('connect', sendBatch);
    socket.on('data', (chunk: string) => {
      // A status line may be split across chunks: keep what could be its start.
      const text = pending + chunk;
      let last = 0;
      for (const m of text.matchAll(STATUS)) {
        if (m[1] !== '202') return socket.destroy(new Error(`a warm-up payment was answered ${m[1]}, not 202`));
        answered++;
        last = m.index + m[0].length;
      }
      pending = text.slice(Math.max(last, text.length - 16));
      if (answered === count) socket.end();
      else if (answered === sent) sendBatch();
    });
    socket.on('close', () => (answered === count ? resolve() : reject(new Error(`warm-up: ${answered} of ${count} payments answered before the connection closed`))));
    socket.on('error', reject);
  });
}

function request(i: number): string {
  const cents = 100 + (i % 9_999);
  const body = `{"correlationId":"${randomUUID()}","amount":${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}}`;
  return `POST /payments HTTP/1.1\r\nHost: api\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\nUser-Agent: warm-up\r\n\r\n${body}`;
}
