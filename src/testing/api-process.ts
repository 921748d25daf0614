import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from '../http/node-http.ts';
import { freePort } from './redis-server.ts';

/**
 * Test helper: the real API process (src/api/main.ts under tsx), ready to answer:
 * on a free port, or on the unix socket `env.SOCKET_PATH` names (`url` is then
 * `unix:<path>`, for messages only).
 */
export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** GET `path` on the instance, however it listens: the status, or 0 when nothing answers. */
  status(path: string): Promise<number>;
}

export async function startApiProcess(env: Record<string, string>, nodeFlags: string[] = []): Promise<ApiProcess> {
  const socketPath = env.SOCKET_PATH;
  const port = socketPath ? null : await freePort();
  const url = socketPath ? `unix:${socketPath}` : `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/api/main.ts'], {
    env: { ...process.env, ...(port === null ? {} : { PORT: String(port) }), ...env },
    stdio: 'ignore',
  });
  const status = (path: string) =>
    new Promise<number>((resolve) => {
      const target = socketPath ? { socketPath, path } : { host: '127.0.0.1', port: port!, path };
      http.get(target, (res) => resolve(res.resume().statusCode ?? 0)).on('error', () => resolve(0));
    });
  for (let i = 0; i < 150 && (await status('/ready')) !== 200; i++) await sleep(100);
  return { url, child, status };
}
