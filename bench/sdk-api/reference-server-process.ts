import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./reference-server.ts', import.meta.url));

/** Starts reference-server.ts in its own process answering `flagsJson` at GET /api/v1/flags/. */
export async function startReferenceServer(
  flagsJson: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vexil-reference-')), 'flags.json');
  writeFileSync(file, flagsJson);
  const child = spawn(process.execPath, [SCRIPT, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) =>
      resolve(`${JSON.parse(chunk.toString()).url}/api/v1/flags/`),
    );
    child.once('exit', (code) => reject(new Error(`reference server exited ${code}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return { url, stop };
}
