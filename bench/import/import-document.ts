/**
 * Import of the July 2023 incident's environment document (shared/tools/gen-env-doc.mjs: 300 features,
 * 400 segments, 5,000 segment overrides, 200 identity overrides) and of a document ten times that size, into a fresh server on
 * the embedded database and on Postgres; then the latency of one feature-state write and of the features page.
 * usage: npm run bench:import -w @vexil/bench [-- 1 10]   (scales; prints a markdown block for bench/RESULTS.md)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentDocument } from '@vexil/test-support';
import pg from 'pg';
import { startServerProcess } from '../support/server-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const _MAIN = path.join(ROOT, 'apps/server/src/main.ts');
const GEN = process.env.VEXIL_GEN_ENV_DOC ?? path.resolve(ROOT, '../shared/tools/gen-env-doc.mjs');
const ADMIN_URL = process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const scales = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
if (scales.length === 0) scales.push(1, 10);

const start = (env: Record<string, string>) => startServerProcess(env);

/**
 * The incident document itself from the shared generator at 1×; larger multiples from @vexil/test-support's
 * generator, because the shared one's random pair picking stops terminating at around 5×.
 */
function document(scale: number): string {
  if (scale === 1 && fs.existsSync(GEN))
    return execFileSync(process.execPath, [GEN], { maxBuffer: 1 << 30 }).toString();
  return JSON.stringify(
    environmentDocument({
      features: 300 * scale,
      segments: 400 * scale,
      overrides: 5000 * scale,
      identities: 200 * scale,
    }),
  );
}

const timed = async <T>(fn: () => Promise<T>) => {
  const t = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t), value };
};

async function run(backend: string, env: Record<string, string>) {
  const server = await start(env);
  const rows: string[] = [];
  try {
    const org = (await server.call('GET', '/api/v1/organisations/')).results[0].id;
    for (const scale of scales) {
      const doc = document(scale);
      const project = await server.call(
        'POST',
        '/api/v1/projects/',
        JSON.stringify({ name: `x${scale}`, organisation: org }),
      );
      const environment = await server.call(
        'POST',
        '/api/v1/environments/',
        JSON.stringify({ name: 'Production', project: project.id }),
      );
      const imported = await timed(() =>
        server.call('POST', `/api/v1/environments/${environment.api_key}/import-document/`, doc),
      );
      const states = await server.call(
        'GET',
        `/api/v1/environments/${environment.api_key}/featurestates/?page_size=1`,
      );
      const write = await timed(() =>
        server.call(
          'PATCH',
          `/api/v1/environments/${environment.api_key}/featurestates/${states.results[0].id}/`,
          '{"enabled":true}',
        ),
      );
      const page = await timed(() =>
        server.call(
          'GET',
          `/api/v1/projects/${project.id}/features/?environment=${environment.id}&page_size=100`,
        ),
      );
      const limits = await server.call('GET', `/api/v1/environments/${environment.api_key}/limits/`);
      const size = limits.find((l: { name: string }) => l.name === 'max_environment_document_bytes').usage;
      rows.push(
        `| ${backend} | ${scale}× | ${(doc.length / 1e6).toFixed(1)} MB | ${imported.ms} ms | ${write.ms} ms | ${page.ms} ms | ${(size / 1e6).toFixed(1)} MB |`,
      );
    }
  } finally {
    await server.stop();
  }
  return rows;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-bench-import-'));
const db = `vexil_bench_import_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${db}`);
const pgUrl = new URL(ADMIN_URL);
pgUrl.pathname = `/${db}`;
try {
  const rows = [
    ...(await run('embedded', { VEXIL_DATA_DIR: dir })),
    ...(await run('postgres', { DATABASE_URL: pgUrl.toString() })),
  ];
  console.log(
    `Import of the incident document and multiples (node ${process.version}, ${os.cpus().length} cores):`,
  );
  console.log(
    '| backend | scale | document | import | one state write after | features page (100, with states) | estimated document size |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.end();
}
