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
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startServerProcess } from '../support/server-process.ts';
import { measurePropagation } from './propagation.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GEN = process.env.VEXIL_GEN_ENV_DOC ?? path.resolve(ROOT, '../shared/tools/gen-env-doc.mjs');
const ADMIN_URL = process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const OPEN_LOOP = fileURLToPath(new URL('../support/open-loop.ts', import.meta.url));
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

interface Result {
  /** Requests the server answered during the run, warm-up included (for CPU per request). */
  served: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  non2xx: number;
  errors: number;
}

/** autocannon as a child process, so load generation does not share the event loop it measures. */
function autocannon(
  url: string,
  headers: Record<string, string>,
  options: { rate?: number; body?: string },
): Result {
  const args = [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  if (options.rate) args.push('-R', String(options.rate));
  if (options.body) args.push('-m', 'POST', '-b', options.body);
  args.push(url);
  const out = JSON.parse(execFileSync(process.execPath, args, { maxBuffer: 1 << 26 }).toString()) as {
    requests: { average: number };
    latency: { p50: number; p99: number; p99_9: number; max: number };
    non2xx: number;
    errors: number;
  };
  return {
    served: out.requests.average * SECONDS,
    rps: Math.round(out.requests.average),
    p50: out.latency.p50,
    p99: out.latency.p99,
    p999: out.latency.p99_9,
    max: out.latency.max,
    non2xx: out.non2xx,
    errors: out.errors,
  };
}

/**
 * The fixed-rate runs: an open-loop generator in its own process (requests evenly spaced, latency from each
 * request's due time), because autocannon's `-R` sends each second's share in a burst (see open-loop.ts).
 */
function openLoop(
  url: string,
  headers: Record<string, string>,
  options: { rate: number; body?: string },
): Result {
  const args = [OPEN_LOOP, '--url', url, '--rate', String(options.rate), '--seconds', String(SECONDS)];
  args.push('--warmup', String(WARMUP_SECONDS));
  args.push('--connections', String(CONNECTIONS));
  for (const [k, v] of Object.entries(headers)) args.push('--header', `${k}=${v}`);
  if (options.body) args.push('--method', 'POST', '--body', options.body);
  const out = JSON.parse(execFileSync(process.execPath, args, { maxBuffer: 1 << 26 }).toString()) as {
    completed: number;
    lost: number;
    non2xx: number;
    errors: number;
    latencyMs: { p50: number; p99: number; p999: number; max: number };
  };
  return {
    served: out.completed + options.rate * WARMUP_SECONDS,
    rps: Math.round(out.completed / SECONDS),
    p50: out.latencyMs.p50,
    p99: out.latencyMs.p99,
    p999: out.latencyMs.p999,
    max: out.latencyMs.max,
    non2xx: out.non2xx,
    errors: out.errors + out.lost,
  };
}

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
  const run = async (
    what: string,
    url: string,
    headers: Record<string, string>,
    options: { rate?: number; body?: string; burst?: boolean },
  ) => {
    const loadAtStart = load();
    const cpuBefore = await cpu();
    const r =
      options.rate && !options.burst
        ? openLoop(url, headers, { ...options, rate: options.rate })
        : autocannon(url, headers, options);
    const cpuUs = (((await cpu()) - cpuBefore) * 1e6) / Math.max(1, r.served);
    rows.push(
      `| ${what} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.p999} | ${r.max} | ${Math.round(cpuUs)} | ${r.non2xx} | ${r.errors} | ${loadAtStart} → ${load()} |`,
    );
  };
  autocannon(flagsUrl, sdkKey, {}); // warm-up (JIT, connection pool)
  const identities = `${server.url}/api/v1/identities/`;
  await run('GET /flags/ max (gzip, as SDKs ask)', flagsUrl, sdkKey, {});
  await run('GET /flags/ at 2,000 rps (gzip)', flagsUrl, sdkKey, { rate: 2000 });
  await run('GET /flags/ max (no Accept-Encoding)', flagsUrl, key, {});
  // Control for the fixed-rate tails: the cheapest route of the same server at the same rate. What it shows at p99
  // is the machine's (idle vCPU wake-ups, the load generator's timer), not the flag serving path's.
  await run(
    'control: GET /health/liveness at 2,000 rps',
    `${server.url}/health/liveness`,
    {},
    { rate: 2000 },
  );
  await run('POST /identities/ max', identities, post, { body: identify });
  await run('POST /identities/ at 1,000 rps', identities, post, { rate: 1000, body: identify });
  if (COMPARE_BURST) {
    const burst = "(autocannon -R: each second's share in a burst)";
    await run(`GET /flags/ at 2,000 rps (gzip) ${burst}`, flagsUrl, sdkKey, { rate: 2000, burst: true });
    const liveness = `${server.url}/health/liveness`;
    await run(
      `control: GET /health/liveness at 2,000 rps ${burst}`,
      liveness,
      {},
      { rate: 2000, burst: true },
    );
    await run(`POST /identities/ at 1,000 rps ${burst}`, identities, post, {
      rate: 1000,
      body: identify,
      burst: true,
    });
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
      `${CONNECTIONS} connections, ${SECONDS} s per run. "max" rows: autocannon (closed loop); "at N rps" rows: ` +
      `open-loop generator (bench/support/open-loop.ts; evenly spaced, latency from each request's due time, ` +
      `${WARMUP_SECONDS} s unmeasured warm-up):`,
  );
  console.log(
    '| run | req/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU µs/req | non-2xx | errors | load average (1 min) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
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
