import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { Target } from './targets.ts';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/server/src/main.ts');
const POSTGRES_URL = process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Started {
  target: Target;
  child: ChildProcess;
  cleanup: () => Promise<void>;
}

/**
 * With VEXIL_BASE_URL and VEXIL_API_KEY set, the suites run against that server only. Otherwise this starts the
 * real server (`node apps/server/src/main.ts`, as `npm start` does) twice — on a fresh embedded data folder and on
 * a fresh Postgres database — each with a bootstrap master key, and stops both afterwards.
 */
export async function setup(project: TestProject) {
  const baseUrl = process.env.VEXIL_BASE_URL;
  if (baseUrl) {
    const apiKey = process.env.VEXIL_API_KEY;
    if (!apiKey)
      throw new Error(
        'VEXIL_BASE_URL is set, so VEXIL_API_KEY (an organisation admin master key) must be too',
      );
    project.provide('targets', [{ name: 'external', baseUrl, apiKey }]);
    return;
  }
  const started = await Promise.all([startEmbedded(), startPostgres()]);
  project.provide(
    'targets',
    started.map((s) => s.target),
  );
  return async () => {
    await Promise.all(started.map((s) => stop(s)));
  };
}

async function startEmbedded(): Promise<Started> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-conformance-'));
  const { child, url, apiKey } = await launch({ VEXIL_DATA_DIR: dir });
  return {
    target: { name: 'embedded', baseUrl: url, apiKey },
    child,
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function startPostgres(): Promise<Started> {
  // The vexil_t_<unix seconds>_ prefix lets the server tests' global setup sweep databases a crashed run left.
  const name = `vexil_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const launched = await launch({ DATABASE_URL: url.toString() });
  return {
    target: { name: 'postgres', baseUrl: launched.url, apiKey: launched.apiKey },
    child: launched.child,
    cleanup: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function launch(env: Record<string, string>) {
  const apiKey = `conformance-${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      VEXIL_BOOTSTRAP_API_KEY: apiKey,
      // Analytics counts reach the table within a second, so evaluation-data tests wait less.
      VEXIL_SDK_ANALYTICS_FLUSH_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
      // Keep memory bounded once started: the suites never read the logs.
      if (output.length > 1_000_000) output = output.slice(-100_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, apiKey };
}

async function stop(s: Started) {
  const started = Date.now();
  if (s.child.exitCode === null) {
    const exited = new Promise((resolve) => s.child.once('exit', resolve));
    s.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
    // A pending timer would keep the test runner alive after everything else has finished.
    clearTimeout(timer);
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
  await s.cleanup();
  if (process.env.VEXIL_CONFORMANCE_DEBUG)
    process.stderr.write(`${s.target.name} stopped in ${Date.now() - started} ms\n`);
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
