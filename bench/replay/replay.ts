/**
 * Replay of the July 2023 incident's write pattern against the document pipeline (issue 6).
 *
 * One api process (roles api,sdk) and two `VEXIL_ROLES=tasks` processes share a fresh Postgres database. The
 * seed-scale environment (shared/tools/gen-env-doc.mjs defaults: 300 features, 400 segments, 5,000 segment
 * overrides, 200 identity overrides) is imported, then CHANGES flag and override changes are made through the admin
 * API by CLIENTS concurrent clients as fast as it accepts them. Every 50th change gives a probe feature (one of
 * feature_1..feature_100, each used once, never touched otherwise) a unique value; the time from that change's
 * 200 to its value being visible is measured:
 *   - `sdk` mode (when the SDK API answers): polling `GET /api/v1/flags/` with X-Environment-Key;
 *   - `notify` mode (no SDK API yet): the document holding the value stored and announced on DOCUMENT_CHANNEL
 *     (observed with LISTEN, then the stored text read and searched).
 * usage: npm run bench:replay -w @vexil/bench [-- --changes 5000 --clients 4 --mode auto|sdk|notify]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { spawnServer } from '../support/spawn-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GEN = process.env.VEXIL_GEN_ENV_DOC ?? path.resolve(ROOT, '../shared/tools/gen-env-doc.mjs');
const ADMIN_URL = process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DOCUMENT_CHANNEL = 'vexil_environment_documents';
const REBUILD_TASK = 'environment-document.rebuild';
/** The serving process's line per document it starts serving (sdk-api/served-environments.ts). */
const DOCUMENT_LOADED = 'sdk-api: environment document loaded';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) {
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
}
const CHANGES = Number(args.get('changes') ?? 5000);
const CLIENTS = Number(args.get('clients') ?? 4);
const SAMPLE_EVERY = 50;
const PROBES = 100;
const MODE = args.get('mode') ?? 'auto';
const key = `replay-${randomBytes(12).toString('hex')}`;

interface Proc {
  name: string;
  pid: number;
  url: string;
  lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

function startProcess(name: string, env: Record<string, string>): Promise<Proc> {
  const child = spawnServer(key, env);
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        // Keep what the report needs, not every request line.
        if (entry.msg === 'listening') {
          resolve({
            name,
            pid: child.pid as number,
            url: String(entry.url),
            lines,
            stop: async () => {
              if (child.exitCode !== null) return;
              child.kill('SIGTERM');
              await new Promise((r) => child.on('exit', r));
            },
          });
        } else if (
          entry.msg === 'environment document rebuilt' ||
          entry.msg === DOCUMENT_LOADED ||
          Number(entry.level) >= 50
        ) {
          lines.push(entry);
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}`)));
  });
}

/** Peak resident set size of a live process in MB (VmHWM: the kernel's high-water mark). */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function main() {
  const loadStart = os.loadavg()[0] ?? 0;
  // The code that runs is the code checked out when the run begins.
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  const dbName = `vexil_replay_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const DATABASE_URL = url.toString();
  const procs: Proc[] = [];
  const db = new pg.Client({ connectionString: DATABASE_URL });
  try {
    // The api process migrates the new database before the task processes start.
    const api = await startProcess('api', { DATABASE_URL, VEXIL_ROLES: 'api,sdk' });
    procs.push(api);
    const tasks = [
      await startProcess('tasks-1', { DATABASE_URL, VEXIL_ROLES: 'tasks' }),
      await startProcess('tasks-2', { DATABASE_URL, VEXIL_ROLES: 'tasks' }),
    ];
    procs.push(...tasks);
    await db.connect();

    const call = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${api.url}${p}`, {
        method,
        headers: { authorization: `Api-Key ${key}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text);
    };

    const org = (await call('GET', '/api/v1/organisations/')).results[0].id;
    const project = await call('POST', '/api/v1/projects/', { name: 'Replay', organisation: org });
    const env = await call('POST', '/api/v1/environments/', { name: 'Production', project: project.id });
    const doc = execFileSync(process.execPath, [GEN], { maxBuffer: 1 << 30 }).toString();
    const importStarted = performance.now();
    await call('POST', `/api/v1/environments/${env.api_key}/import-document/`, doc);
    const importMs = performance.now() - importStarted;
    const caughtUp = async () => {
      const { rows } = await db.query(
        `SELECT e.data_version AS v, d.data_version AS d FROM environments e
         LEFT JOIN environment_documents d ON d.environment_id = e.id WHERE e.id = $1`,
        [env.id],
      );
      return rows[0]?.d !== null && Number(rows[0]?.d) === Number(rows[0]?.v);
    };
    const waitCaughtUp = async (limitMs: number) => {
      const until = Date.now() + limitMs;
      while (!(await caughtUp())) {
        if (Date.now() > until) throw new Error('documents did not catch up');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitCaughtUp(120_000);

    const states = async (where: string) =>
      (
        await db.query(
          `SELECT fs.id, f.name FROM feature_states fs JOIN features f ON f.id = fs.feature_id
           WHERE fs.environment_id = $1 AND ${where} ORDER BY fs.id`,
          [env.id],
        )
      ).rows as { id: number; name: string }[];
    const defaults = await states('fs.identity_id IS NULL AND fs.feature_segment_id IS NULL');
    const probeName = (i: number) => `feature_${i + 1}`;
    const probeNames = new Set(Array.from({ length: PROBES }, (_, i) => probeName(i)));
    const probeState = new Map(defaults.filter((s) => probeNames.has(s.name)).map((s) => [s.name, s.id]));
    const flagStates = defaults.filter((s) => !probeNames.has(s.name));
    const segmentStates = await states('fs.feature_segment_id IS NOT NULL');
    const identityStates = await states('fs.identity_id IS NOT NULL');

    const sdkProbe = await fetch(`${api.url}/api/v1/flags/`, {
      headers: { 'X-Environment-Key': env.api_key },
    });
    const mode = MODE === 'auto' ? (sdkProbe.status === 200 ? 'sdk' : 'notify') : MODE;

    // Pending samples: feature name -> expected value, the 200's time (set when it arrives) and the time seen.
    const samples = new Map<string, { value: string; ackAt?: number; seenAt?: number }>();
    const pending = () => [...samples.entries()].filter(([, s]) => s.seenAt === undefined);
    let watching = true;
    let watcher: Promise<void>;
    if (mode === 'sdk') {
      watcher = (async () => {
        while (watching || pending().length > 0) {
          if (pending().length === 0) {
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          const res = await fetch(`${api.url}/api/v1/flags/`, {
            headers: { 'X-Environment-Key': env.api_key },
          });
          const at = performance.now();
          const flags = (await res.json()) as { feature: { name: string }; feature_state_value: unknown }[];
          const byName = new Map(flags.map((f) => [f.feature.name, f.feature_state_value]));
          for (const [name, s] of pending()) if (byName.get(name) === s.value) s.seenAt = at;
        }
      })();
    } else {
      const listener = new pg.Client({ connectionString: DATABASE_URL });
      await listener.connect();
      await listener.query(`LISTEN ${DOCUMENT_CHANNEL}`);
      let chain = Promise.resolve();
      listener.on('notification', (n) => {
        const at = performance.now();
        chain = chain.then(async () => {
          if (!n.payload?.includes(`"environmentId":${env.id}`) || pending().length === 0) return;
          const { rows } = await db.query(
            'SELECT document FROM environment_documents WHERE environment_id = $1',
            [env.id],
          );
          const text = String(rows[0]?.document ?? '');
          for (const [, s] of pending()) if (text.includes(JSON.stringify(s.value))) s.seenAt = at;
        });
      });
      watcher = (async () => {
        while (watching || pending().length > 0) await new Promise((r) => setTimeout(r, 20));
        await chain;
        await listener.end();
      })();
    }

    let next = 0;
    let probes = 0;
    const kinds = { flag: 0, segmentOverride: 0, identityOverride: 0, sample: 0 };
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;
    const changesStarted = performance.now();
    const driverCpu = process.cpuUsage();
    const client = async () => {
      for (let n = next++; n < CHANGES; n = next++) {
        if (n % SAMPLE_EVERY === 0 && probes < PROBES) {
          const name = probeName(probes++);
          const value = `replay-sample-${n}-${randomBytes(4).toString('hex')}`;
          const sample: { value: string; ackAt?: number; seenAt?: number } = { value };
          samples.set(name, sample);
          await call('PATCH', `/api/v1/features/featurestates/${probeState.get(name)}/`, {
            feature_state_value: value,
          });
          sample.ackAt = performance.now();
          kinds.sample++;
          continue;
        }
        const r = Math.random();
        const [kind, list] =
          r < 0.5
            ? (['flag', flagStates] as const)
            : r < 0.9
              ? (['segmentOverride', segmentStates] as const)
              : (['identityOverride', identityStates] as const);
        await call('PATCH', `/api/v1/features/featurestates/${pick(list).id}/`, {
          feature_state_value: `v-${n}`,
          enabled: Math.random() < 0.5,
        });
        kinds[kind]++;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const changesMs = performance.now() - changesStarted;
    const { user, system } = process.cpuUsage(driverCpu);
    const driverCpuShare = (user + system) / 1000 / changesMs;
    watching = false;
    const deadline = Date.now() + 120_000;
    while (pending().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (pending().length > 0) throw new Error(`${pending().length} samples never became visible`);
    await watcher;
    await waitCaughtUp(120_000);
    const drainedMs = performance.now() - changesStarted;

    const { rows: runs } = await db.query(
      `SELECT state, count(*)::int AS n,
         round(avg(extract(epoch FROM finished_at - started_at)) * 1000)::int AS avg_ms,
         round(max(extract(epoch FROM finished_at - started_at)) * 1000)::int AS max_ms
       FROM vexil_tasks WHERE type = $1 GROUP BY state ORDER BY state`,
      [REBUILD_TASK],
    );
    // From one rebuild's end to the start of the next, when the next was already queued: the hand-over a change
    // that arrived during a rebuild waits for (completion write, wake-up, claim, thread start).
    const { rows: gaps } = await db.query(
      `SELECT round(extract(epoch FROM next_started - finished_at) * 1000)::int AS ms FROM (
         SELECT finished_at, created_at, lead(started_at) OVER (ORDER BY started_at) AS next_started,
           lead(created_at) OVER (ORDER BY started_at) AS next_created
         FROM vexil_tasks WHERE type = $1 AND state = 'succeeded') r
       WHERE next_created < finished_at ORDER BY 1`,
      [REBUILD_TASK],
    );
    const gapMs = gaps.map((g) => Number(g.ms));
    const { rows: docRow } = await db.query(
      'SELECT size_bytes, build_ms FROM environment_documents WHERE environment_id = $1',
      [env.id],
    );
    const latencies = [...samples.values()]
      .map((s) => Math.max(0, (s.seenAt as number) - (s.ackAt ?? (s.seenAt as number))))
      .sort((a, b) => a - b);
    const builds = tasks.flatMap((t) => t.lines.filter((l) => l.msg === 'environment document rebuilt'));
    const buildMs = builds.map((b) => Number(b.buildMs)).sort((a, b) => a - b);
    const writeMs = builds.map((b) => Number(b.writeMs)).sort((a, b) => a - b);
    const sum = (field: string) => builds.reduce((n, b) => n + (Number(b[field]) || 0), 0);
    const cachedSegments = sum('cachedSegments');
    const rereadSegments = sum('rereadSegments');
    const loads = api.lines.filter((l) => l.msg === DOCUMENT_LOADED);
    const loadReadMs = loads.map((l) => Number(l.readMs)).sort((a, b) => a - b);
    const loadCompileMs = loads.map((l) => Number(l.compileMs)).sort((a, b) => a - b);
    const errors = procs.flatMap((p) => p.lines.filter((l) => Number(l.level) >= 50));

    const out = [
      `## ${new Date().toISOString().slice(0, 10)}: document pipeline replay (${mode} mode)`,
      '',
      `Commit ${commit}. Command: \`npm run bench:replay -w @vexil/bench -- --changes ${CHANGES} --clients ${CLIENTS} --mode ${MODE}\`.`,
      `Machine "node-svc" (2 cores, 24 GB, shared), Node ${process.version}, Postgres ${ADMIN_URL.replace(/\/[^/]*$/, '')}.`,
      `1-minute load average ${loadStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end.`,
      `One api process (VEXIL_ROLES=api,sdk) and two VEXIL_ROLES=tasks processes (2 worker threads each).`,
      '',
      `- Seed-scale import: ${Math.round(importMs)} ms; stored document ${docRow[0]?.size_bytes} bytes, last build ${docRow[0]?.build_ms} ms.`,
      `- Changes: ${CHANGES} (${kinds.flag} flag values, ${kinds.segmentOverride} segment overrides, ${kinds.identityOverride} identity overrides, ${kinds.sample} probe samples) by ${CLIENTS} clients in ${(changesMs / 1000).toFixed(1)} s (${Math.round(CHANGES / (changesMs / 1000))} changes/s); documents caught up ${((drainedMs - changesMs) / 1000).toFixed(1)} s after the last change.`,
      `- Rebuild tasks: ${runs.map((r) => `${r.n} ${r.state} (run avg ${r.avg_ms} ms, max ${r.max_ms} ms)`).join(', ')}; build (snapshot read + serialize) p50 ${percentile(buildMs, 50)} ms, max ${buildMs[buildMs.length - 1]} ms; store + NOTIFY p50 ${percentile(writeMs, 50)} ms, max ${writeMs[writeMs.length - 1]} ms; segments from the fragment cache ${cachedSegments}, re-read ${rereadSegments}.`,
      `- Hand-over to a queued follow-up rebuild (previous finished → next started), ${gapMs.length} times: p50 ${percentile(gapMs, 50)} ms, max ${gapMs[gapMs.length - 1]} ms.`,
      `- Serving reloads: ${loads.length}; read (document + feature details) p50 ${percentile(loadReadMs, 50)} ms, max ${loadReadMs[loadReadMs.length - 1]} ms; compile p50 ${percentile(loadCompileMs, 50)} ms, max ${loadCompileMs[loadCompileMs.length - 1]} ms.`,
      `- Peak RSS (VmHWM) of the task processes: ${tasks.map((t) => `${peakRssMb(t.pid)} MB`).join(', ')}; api process ${peakRssMb(api.pid)} MB.`,
      `- Change-to-visible latency over ${latencies.length} samples (${
        mode === 'sdk'
          ? 'admin 200 → `GET /api/v1/flags/` serving the value'
          : 'admin 200 → document holding the value stored and NOTIFY received (no SDK API in this build)'
      }): p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms, max ${Math.round(latencies[latencies.length - 1] ?? 0)} ms (target p99 ≤ 1000 ms).`,
      `- Error log lines from the servers: ${errors.length}. CPU of this driver (its clients and its \`GET /flags/\` polling) while the changes ran: ${(driverCpuShare * 100).toFixed(0)}% of one core.`,
    ].join('\n');
    console.log(out);
  } finally {
    await db.end().catch(() => {});
    for (const p of procs.reverse()) await p.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
