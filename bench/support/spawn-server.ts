import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/server/src/main.ts');

/**
 * Starts the server's entry point (what `npm start` runs) as a child process on a random port, with `key` as its
 * bootstrap admin API key and a clean environment plus `env`. Its stdout (JSON log lines) is piped to the caller,
 * which finds the URL in the `listening` line; stderr is inherited.
 */
export function spawnServer(
  key: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): ChildProcessByStdio<null, Readable, null> {
  return spawn(process.execPath, [...nodeFlags, MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      VEXIL_BOOTSTRAP_API_KEY: key,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
