import { randomUUID } from 'node:crypto';
import { http } from '../src/http/node-http.ts';

/** Where a timed request goes: a payment (POST with a fresh id) or a bare GET, and the status it must get. */
export interface Target {
  label: string;
  where: { host: string; port: number } | { socketPath: string };
  path: string;
  pay: boolean;
  expect: number;
}

/**
 * Milliseconds from sending one request to the end of its answer, over a kept-alive
 * connection of the agent's; rejects on any other status than the target expects.
 */
export function timeOne(target: Target, agent: InstanceType<typeof http.Agent>): Promise<number> {
  const body = target.pay ? JSON.stringify({ correlationId: randomUUID(), amount: 19.9 }) : '';
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { ...target.where, agent, method: target.pay ? 'POST' : 'GET', path: target.path, headers: target.pay ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {} },
      (res) => {
        res.resume();
        if (res.statusCode !== target.expect) return reject(new Error(`${target.label} answered ${res.statusCode}, expected ${target.expect}`));
        res.on('end', () => resolve(performance.now() - started));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
