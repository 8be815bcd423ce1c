/**
 * Cold and warm start of `node apps/server/src/main.ts` to the first 200 from /health/readiness.
 * Cold: a data folder (or Postgres database) that does not exist yet, so the start includes creating the
 * database and applying every migration. Warm: the same again, now initialised.
 * usage: npm run bench:startup -w @vexil/bench [-- runs]   (prints a markdown block for bench/RESULTS.md)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'apps/server/src/main.ts');
const ADMIN_URL = process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const runs = Number(process.argv[2] ?? 5);

async function timeToReady(env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  for (;;) {
    const res = await fetch(`${url}/health/readiness`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return ms;
}

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(sql);
  await c.end();
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${Math.round(s[Math.floor(s.length / 2)] as number)} ms (min ${Math.round(s[0] as number)}, max ${Math.round(s[s.length - 1] as number)})`;
};

const results: Record<string, number[]> = {
  'embedded cold': [],
  'embedded warm': [],
  'postgres cold': [],
  'postgres warm': [],
};
for (let i = 0; i < runs; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-bench-start-'));
  results['embedded cold']?.push(await timeToReady({ VEXIL_DATA_DIR: dir }));
  results['embedded warm']?.push(await timeToReady({ VEXIL_DATA_DIR: dir }));
  fs.rmSync(dir, { recursive: true, force: true });

  const db = `vexil_bench_start_${process.pid}_${i}`;
  await admin(`CREATE DATABASE ${db}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${db}`;
  results['postgres cold']?.push(await timeToReady({ DATABASE_URL: url.toString() }));
  results['postgres warm']?.push(await timeToReady({ DATABASE_URL: url.toString() }));
  await admin(`DROP DATABASE ${db} WITH (FORCE)`);
}

console.log(
  `Start to first readiness 200, ${runs} runs each (node ${process.version}, ${os.cpus().length} cores):`,
);
for (const [name, xs] of Object.entries(results)) console.log(`- ${name}: ${stats(xs)}`);
