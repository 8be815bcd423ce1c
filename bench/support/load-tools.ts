/**
 * The HTTP load generators the SDK benchmark drives, each in its own process so that load generation never shares
 * the event loop or the CPU accounting of the server it measures. docs/adr/0002-open-loop-latency-generator.md says
 * which one measures what, and why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const OPEN_LOOP = fileURLToPath(new URL('./open-loop.ts', import.meta.url));

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  /** A POST body (JSON); without one the request is a GET. */
  body?: string;
}

export interface LoadResult {
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

/** autocannon, closed loop; with `rate`, its `-R` (each connection's share of a second sent in one burst). */
export function autocannon(url: string, options: LoadOptions & { rate?: number }): LoadResult {
  const args = [AUTOCANNON, '-j', '-c', String(options.connections), '-d', String(options.seconds)];
  for (const [k, v] of Object.entries(options.headers)) args.push('-H', `${k}=${v}`);
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
    served: out.requests.average * options.seconds,
    rps: Math.round(out.requests.average),
    p50: out.latency.p50,
    p99: out.latency.p99,
    p999: out.latency.p99_9,
    max: out.latency.max,
    non2xx: out.non2xx,
    errors: out.errors,
  };
}

/** Our open-loop generator (open-loop.ts): requests evenly spaced, latency from each request's due time. */
export function openLoop(
  url: string,
  options: LoadOptions & { rate: number; warmupSeconds: number },
): LoadResult {
  const args = [
    OPEN_LOOP,
    '--url',
    url,
    '--rate',
    String(options.rate),
    '--seconds',
    String(options.seconds),
  ];
  args.push('--warmup', String(options.warmupSeconds), '--connections', String(options.connections));
  for (const [k, v] of Object.entries(options.headers)) args.push('--header', `${k}=${v}`);
  if (options.body) args.push('--method', 'POST', '--body', options.body);
  const out = JSON.parse(execFileSync(process.execPath, args, { maxBuffer: 1 << 26 }).toString()) as {
    completed: number;
    lost: number;
    non2xx: number;
    errors: number;
    latencyMs: { p50: number; p99: number; p999: number; max: number };
  };
  return {
    served: out.completed + options.rate * options.warmupSeconds,
    rps: Math.round(out.completed / options.seconds),
    p50: out.latencyMs.p50,
    p99: out.latencyMs.p99,
    p999: out.latencyMs.p999,
    max: out.latencyMs.max,
    non2xx: out.non2xx,
    errors: out.errors + out.lost,
  };
}

/** Whether wrk (Debian package `wrk`) is installed. */
export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its version and exits 1; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * wrk, closed loop with one thread (the other core is the server's): a C client costs a fraction of autocannon's
 * CPU per request, so on two cores it leaves the server the CPU that autocannon takes for itself.
 */
export function wrk(url: string, options: LoadOptions): LoadResult {
  const lua = [
    options.body ? 'wrk.method = "POST"' : '',
    options.body ? `wrk.body = ${JSON.stringify(options.body)}` : '',
    ...Object.entries(options.headers).map(
      ([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`,
    ),
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'{"requests":%d,"us":%d,"socketErrors":%d,"non2xx":%d,"p50":%.2f,"p99":%.2f,"p999":%.2f,"max":%.2f}\\n\',',
    '    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,',
    '    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))',
    'end',
  ].join('\n');
  const script = path.join(mkdtempSync(path.join(tmpdir(), 'vexil-wrk-')), 'run.lua');
  writeFileSync(script, lua);
  const args = ['-t1', '-c', String(options.connections), '-d', `${options.seconds}s`, '-s', script, url];
  const lines = execFileSync('wrk', args, { maxBuffer: 1 << 26 })
    .toString()
    .trim()
    .split('\n');
  const out = JSON.parse(lines[lines.length - 1] ?? '{}') as {
    requests: number;
    us: number;
    socketErrors: number;
    non2xx: number;
    p50: number;
    p99: number;
    p999: number;
    max: number;
  };
  return {
    served: out.requests,
    rps: Math.round(out.requests / (out.us / 1e6)),
    p50: out.p50,
    p99: out.p99,
    p999: out.p999,
    max: out.max,
    non2xx: out.non2xx,
    errors: out.socketErrors,
  };
}
