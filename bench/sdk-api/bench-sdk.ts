/**
 * SDK API throughput: one server process (roles api,sdk) on Postgres holding the seed-scale environment
 * (shared/tools/gen-env-doc.mjs defaults: 300 features, 400 segments, 5,000 segment overrides, 200 identity
 * overrides), imported through the admin API, its document stored in environment_documents; autocannon runs in
 * its own process. Measures GET /api/v1/flags/ and POST /api/v1/identities/ (transient identity, 7 traits) at
 * maximum rate and p99 at a fixed rate, and the memory one served environment takes.
 * Then starts a second process (roles sdk,tasks) and times admin changes until both processes serve them.
 * Fixed-rate rows come from an open-loop generator (../support/open-loop.ts), the maximum-rate rows from autocannon.
 * usage: npm run bench:sdk -w @vexil/bench [-- --seconds 15 --connections 32 --propagation-samples 30
 *        --compare-autocannon-rate]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  autocannon,
  hasWrk,
  type LoadOptions,
  type LoadResult,
  openLoop,
  wrk,
} from '../support/load-tools.ts';
import { startServerProcess } from '../support/server-process.ts';
import { measurePropagation } from './propagation.ts';
import { startReferenceServer } from './reference-server-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GEN = process.env.VEXIL_GEN_ENV_DOC ?? path.resolve(ROOT, '../shared/tools/gen-env-doc.mjs');
const ADMIN_URL = process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 15);
const CONNECTIONS = arg('connections', 32);
const PROPAGATION_SAMPLES = arg('propagation-samples', 30);
/** Open-loop runs send (but do not measure) this many seconds first: connections, JIT. */
const WARMUP_SECONDS = 1;
/** Also run the fixed-rate rows with autocannon's `-R` (bursty), to compare the two generators. */
const COMPARE_BURST = process.argv.includes('--compare-autocannon-rate');
/** Extra node flags for the server, e.g. VEXIL_BENCH_NODE_FLAGS=--cpu-prof to profile it. */
const NODE_FLAGS = (process.env.VEXIL_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop());
}

const db = `vexil_bench_sdk_${process.pid}`;
const adminClient = new pg.Client({ connectionString: ADMIN_URL });
await adminClient.connect();
await adminClient.query(`CREATE DATABASE ${db}`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${db}`;
const server = await startServerProcess(
  { VEXIL_ROLES: 'api,sdk', DATABASE_URL: dbUrl.toString() },
  NODE_FLAGS,
);
const sql = new pg.Client({ connectionString: dbUrl.toString() });
await sql.connect();
try {
  const document = execFileSync(process.execPath, [GEN], { maxBuffer: 1 << 30 }).toString();
  const org = (await server.call('GET', '/api/v1/organisations/')).results[0].id;
  const project = await server.call(
    'POST',
    '/api/v1/projects/',
    JSON.stringify({ name: 'bench', organisation: org }),
  );
  const environment = await server.call(
    'POST',
    '/api/v1/environments/',
    JSON.stringify({ name: 'Production', project: project.id }),
  );
  await server.call('POST', `/api/v1/environments/${environment.api_key}/import-document/`, document);
  const serverKey = `ser.${randomBytes(11).toString('hex')}`;
  await sql.query(`INSERT INTO environment_api_keys (environment_id, key, name) VALUES ($1, $2, 'bench')`, [
    environment.id,
    serverKey,
  ]);
  // The document pipeline (when present) stores the document built from SQL; otherwise store the imported one.
  const served = JSON.parse(document);
  served.id = environment.id;
  served.api_key = environment.api_key;
  const env = (
    await sql.query('SELECT data_version, updated_at FROM environments WHERE id = $1', [environment.id])
  ).rows[0];
  const servedText = JSON.stringify(served);
  await sql.query(
    `INSERT INTO environment_documents (environment_id, data_version, data_updated_at, document, size_bytes, build_ms)
     VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (environment_id) DO NOTHING`,
    [environment.id, env.data_version, env.updated_at, servedText, Buffer.byteLength(servedText)],
  );

  const heapBefore = await metric(server.url, 'vexil_nodejs_heap_size_used_bytes');
  const rssBefore = await metric(server.url, 'vexil_process_resident_memory_bytes');
  const flagsUrl = `${server.url}/api/v1/flags/`;
  const first = await fetch(flagsUrl, { headers: { 'x-environment-key': environment.api_key } });
  if (first.status !== 200) throw new Error(`GET /flags/: ${first.status} ${await first.text()}`);
  const flagsBytes = (await first.text()).length;
  await new Promise((r) => setTimeout(r, 1000));
  const heapAfter = await metric(server.url, 'vexil_nodejs_heap_size_used_bytes');
  const rssAfter = await metric(server.url, 'vexil_process_resident_memory_bytes');

  const identify = JSON.stringify({
    identifier: 'bench-user-42',
    transient: true,
    traits: [
      { trait_key: 'plan', trait_value: 'pro' },
      { trait_key: 'country', trait_value: 'DE' },
      { trait_key: 'age', trait_value: 37 },
      { trait_key: 'logins', trait_value: 120 },
      { trait_key: 'email', trait_value: 'user42@example.com' },
      { trait_key: 'app_version', trait_value: '2.1.0' },
      { trait_key: 'beta_tester', trait_value: true },
    ],
  });
  const check = await fetch(`${server.url}/api/v1/identities/`, {
    method: 'POST',
    headers: { 'x-environment-key': environment.api_key, 'content-type': 'application/json' },
    body: identify,
  });
  if (check.status !== 200) throw new Error(`POST /identities/: ${check.status} ${await check.text()}`);
  const identityBytes = (await check.text()).length;

  const key = { 'x-environment-key': environment.api_key };
  // What flagsmith-nodejs sends through Node's fetch (browsers add br); the /flags/ list is then served gzipped.
  const sdkKey = { ...key, 'accept-encoding': 'gzip, deflate' };
  const gzipped = await fetch(flagsUrl, { headers: sdkKey });
  await gzipped.arrayBuffer();
  if (gzipped.headers.get('content-encoding') !== 'gzip') throw new Error('GET /flags/ did not answer gzip');
  const gzipBytes = Number(gzipped.headers.get('content-length'));
  const post = { ...key, 'content-type': 'application/json' };
  const load = () => os.loadavg()[0]?.toFixed(1);
  const cpu = () => metric(server.url, 'vexil_process_cpu_seconds_total');
  const rows: string[] = [];
  // Server CPU per request is the figure a busy shared machine distorts least: req/s falls when other processes
  // take the cores, CPU time per request mostly does not.
  type Tool = 'autocannon' | 'autocannon -R' | 'open loop' | 'wrk';
  const run = async (
    what: string,
    tool: Tool,
    url: string,
    options: Partial<LoadOptions> & { rate?: number },
  ) => {
    const loadAtStart = load();
    const cpuBefore = await cpu();
    const o = { connections: CONNECTIONS, seconds: SECONDS, headers: {}, ...options };
    let r: LoadResult;
    if (tool === 'open loop') r = openLoop(url, { ...o, rate: o.rate ?? 0, warmupSeconds: WARMUP_SECONDS });
    else if (tool === 'wrk') r = wrk(url, o);
    else r = autocannon(url, tool === 'autocannon -R' ? o : { ...o, rate: undefined });
    const cpuUs = (((await cpu()) - cpuBefore) * 1e6) / Math.max(1, r.served);
    rows.push(
      `| ${what} | ${tool} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.p999} | ${r.max} | ${Math.round(cpuUs)} | ${r.non2xx} | ${r.errors} | ${loadAtStart} → ${load()} |`,
    );
  };
  const withWrk = hasWrk();
  autocannon(flagsUrl, { connections: CONNECTIONS, seconds: SECONDS, headers: sdkKey }); // warm-up (JIT, pools)
  const identities = `${server.url}/api/v1/identities/`;
  const liveness = `${server.url}/health/liveness`;
  const flagsGzip = { headers: sdkKey };
  const identity = { headers: post, body: identify };
  await run('GET /flags/ max (gzip, as SDKs ask)', 'autocannon', flagsUrl, flagsGzip);
  if (withWrk) await run('GET /flags/ max (gzip, as SDKs ask)', 'wrk', flagsUrl, flagsGzip);
  await run('GET /flags/ at 2,000 rps (gzip)', 'open loop', flagsUrl, { ...flagsGzip, rate: 2000 });
  await run('GET /flags/ max (no Accept-Encoding)', 'autocannon', flagsUrl, { headers: key });
  // Control for the fixed-rate tails: the cheapest route of the same server at the same rate. What it shows at p99
  // is the machine's and the generator's (timer granularity, idle vCPU wake-ups), not the flag serving path's.
  await run('control: GET /health/liveness at 2,000 rps', 'open loop', liveness, { rate: 2000 });
  await run('POST /identities/ max', 'autocannon', identities, identity);
  if (withWrk) await run('POST /identities/ max', 'wrk', identities, identity);
  await run('POST /identities/ at 1,000 rps', 'open loop', identities, { ...identity, rate: 1000 });
  if (COMPARE_BURST) {
    await run('GET /flags/ at 2,000 rps (gzip)', 'autocannon -R', flagsUrl, { ...flagsGzip, rate: 2000 });
    await run('control: GET /health/liveness at 2,000 rps', 'autocannon -R', liveness, { rate: 2000 });
    await run('POST /identities/ at 1,000 rps', 'autocannon -R', identities, { ...identity, rate: 1000 });
  }
  // The yardstick on this machine: plain Fastify answering the same 300 flags as a constant JSON value.
  const reference = await startReferenceServer(await (await fetch(flagsUrl, { headers: key })).text());
  const referenceRows: string[] = [];
  try {
    for (const tool of ['autocannon', ...(withWrk ? ['wrk'] : [])] as const) {
      const r =
        tool === 'wrk'
          ? wrk(reference.url, { connections: CONNECTIONS, seconds: SECONDS, headers: {} })
          : autocannon(reference.url, { connections: CONNECTIONS, seconds: SECONDS, headers: {} });
      referenceRows.push(`${r.rps} req/s with ${tool} (p99 ${r.p99} ms)`);
    }
  } finally {
    await reference.stop();
  }

  // A second process on the same Postgres that serves the SDK API and runs the rebuild tasks (the first has no
  // tasks role): how long until both serve an admin change.
  const second = await startServerProcess({ VEXIL_ROLES: 'sdk,tasks', DATABASE_URL: dbUrl.toString() });
  let propagation: Awaited<ReturnType<typeof measurePropagation>>;
  try {
    propagation = await measurePropagation({
      call: server.call,
      projectId: project.id,
      environmentKey: environment.api_key,
      sdkUrls: [server.url, second.url],
      samples: PROPAGATION_SAMPLES,
    });
  } finally {
    await second.stop();
  }

  console.log(
    `SDK API, seed-scale environment (${(document.length / 1e6).toFixed(1)} MB document; /flags/ body ${flagsBytes} B, ${gzipBytes} B gzipped, ` +
      `identity body ${identityBytes} B), node ${process.version}, ${os.cpus().length} cores, ` +
      `${CONNECTIONS} connections, ${SECONDS} s per run. "max" rows: closed loop (autocannon, and wrk with one ` +
      `thread when installed); "at N rps" rows: open loop (bench/support/open-loop.ts: evenly spaced, latency from ` +
      `each request's due time, ${WARMUP_SECONDS} s unmeasured warm-up):`,
  );
  console.log(
    '| run | load generator | req/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU µs/req | non-2xx | errors | load average (1 min) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(
    `Reference on this machine, plain Fastify route answering the same 300 flags as a constant JSON value ` +
      `(no compression, serialized per request): ${referenceRows.join('; ')}.`,
  );
  if (!withWrk) console.log('wrk is not installed (apt-get install wrk): no wrk rows.');
  console.log(
    `Memory for the served environment: heap used +${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB, ` +
      `RSS +${((rssAfter - rssBefore) / 1e6).toFixed(1)} MB (before any SDK request → after the first).`,
  );
  console.log(
    `Admin change → served by both SDK processes (${propagation.samples} changes, one at a time): ` +
      `p50 ${propagation.p50} ms, p90 ${propagation.p90} ms, max ${propagation.max} ms.`,
  );
} finally {
  await sql.end();
  await server.stop();
  await adminClient.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await adminClient.end();
}
