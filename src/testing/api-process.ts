import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './redis-server.ts';

/** Test helper: the real API process (src/api/main.ts under tsx) on a free port, ready to answer. */
export interface ApiProcess {
  url: string;
  child: ChildProcess;
}

export async function startApiProcess(env: Record<string, string>, nodeFlags: string[] = []): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/api/main.ts'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: 'ignore',
  });
  for (let i = 0; i < 150 && !(await fetch(`${url}/ready`).then((r) => r.ok, () => false)); i++) await sleep(100);
  return { url, child };
}
