import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const MAIN = path.join(REPO, 'apps/server/src/main.ts');

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `node apps/server/src/main.ts`, exactly as `npm start` runs it, on a random port with the given environment
 * (its own embedded data dir, the dashboard build). Resolves once it logs that it listens.
 */
export function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      // Keep draining so a chatty server never blocks on a full pipe; show its errors.
      child.stdout?.on('data', (c: Buffer) => {
        if (/"level":(5|6)0/.test(c.toString())) process.stderr.write(c);
      });
      child.stderr?.on('data', (c: Buffer) => process.stderr.write(c));
      resolve({
        url: m[1],
        child,
        async stop() {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(forced);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}
