import { randomBytes } from 'node:crypto';
import { spawnServer } from './spawn-server.ts';

/**
 * A real server process (`apps/server/src/main.ts`) on a random port with a bootstrap admin key; `call` drives the
 * admin API with it. `nodeFlags` go to node (e.g. `--cpu-prof`).
 */
export async function startServerProcess(env: Record<string, string>, nodeFlags: readonly string[] = []) {
  const key = `bench-${randomBytes(12).toString('hex')}`;
  const child = spawnServer(key, env, nodeFlags);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-10_000);
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const call = async (method: string, p: string, body?: string) => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Api-Key ${key}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  };
  return { url, call, stop };
}
