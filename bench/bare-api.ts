/**
 * The request path's lower bound: a bare node:http server that answers as the
 * API does (202 with the payment's correlationId, a zero summary, 200 for the
 * rest) and stores nothing. Run in the APIs' place, it shows what nginx and a
 * Node process cost by themselves under the contest's load, with no Redis round
 * trip and none of the project's code (docs/benchmarks.md, "The path, layer by layer"):
 *   sed -i 's#dist/api/main.js#bench/bare-api.ts#' deploy/docker-compose.yml
 *   make up STACK=local; git checkout deploy/docker-compose.yml; RUNS=5 make bench STACK=local
 * Lag and consistency then read as failures: nothing is forwarded.
 */
import { chmodSync, rmSync } from 'node:fs';
import http from 'node:http';

const socketPath = process.env.SOCKET_PATH;
if (!socketPath) throw new Error('SOCKET_PATH: expected the unix socket nginx forwards to, got nothing');
const ZERO = '{"totalRequests":0,"totalAmount":0}';
const SUMMARY = `{"default":${ZERO},"fallback":${ZERO}}`;

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (text += chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/payments') {
      const id = String((JSON.parse(text) as { correlationId?: unknown }).correlationId);
      return send(res, 202, `{"correlationId":"${id}","status":"accepted"}`);
    }
    send(res, 200, req.url?.startsWith('/payments-summary') ? SUMMARY : '{"ok":true}');
  });
});
rmSync(socketPath, { force: true });
server.listen(socketPath, () => chmodSync(socketPath, 0o666));
