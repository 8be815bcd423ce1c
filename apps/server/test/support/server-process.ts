import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/main.ts');

export interface ServerProcess {
  child: ChildProcess;
  /** Resolves with the URL once the server logs that it listens; rejects if it exits first. */
  ready: Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
}

/** Runs `node src/main.ts` exactly as `npm start` does, with only the given environment (plus PATH and HOME). */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
  ready.catch(() => {}); // callers that expect a failed start only await `exited`
  return { child, ready, exited, output: () => output };
}

/** Polls a URL until it answers `status` or the deadline passes; returns the last response. */
export async function waitForStatus(url: string, status: number, timeoutMs = 10_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: Response | undefined;
  while (Date.now() < deadline) {
    last = await fetch(url).catch(() => undefined);
    if (last?.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last?.status})`);
}
