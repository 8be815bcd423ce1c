/**
 * Open-loop constant-rate HTTP load: request i is due at start + i / rate, whether or not earlier responses have
 * come back, and its latency is counted from that due time, so a stall anywhere (including in this generator)
 * shows up in the tail instead of being hidden by a pause in sending: no coordinated omission.
 *
 * Why not autocannon's `-R`: it lets every connection send its share of the second back to back and then idles
 * until the next second (mcollina/autocannon#174), so "2,000 requests/s" is a burst at full speed followed by
 * silence. Why raw sockets rather than an HTTP client library: at 1,000 identity responses of 90 KB a second, a
 * client that allocates per read (undici, node:http) made this generator run a full garbage collection every
 * ~200 ms, each stalling it 3–8 ms, which it then reported as the server's latency. Here every connection reads
 * into one reused buffer (`onread`) and only counts body bytes. docs/adr/0002-open-loop-latency-generator.md has the
 * measurements.
 *
 * Run as its own process, prints one JSON object:
 *   node bench/support/open-loop.ts --url URL --rate 2000 --seconds 10 [--warmup 2] [--connections 32]
 *        [--method POST] [--body TEXT] [--header name=value ...]
 * HTTP/1.1 keep-alive only, and every response must carry Content-Length (the server's always do); anything else
 * is counted as an error.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    method: { type: 'string', default: 'GET' },
    body: { type: 'string', default: '' },
    header: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.url) throw new Error('--url is required');
const url = new URL(values.url);
const rate = Number(values.rate);
const total = Math.round((Number(values.warmup) + Number(values.seconds)) * rate);
const firstMeasured = Math.round(Number(values.warmup) * rate);
const intervalMs = 1000 / rate;

const body = Buffer.from(values.body);
let head = `${values.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
for (const pair of values.header) {
  const at = pair.indexOf('=');
  head += `${pair.slice(0, at)}: ${pair.slice(at + 1)}\r\n`;
}
if (body.length > 0) head += `content-length: ${body.length}\r\n`;
const request = Buffer.concat([Buffer.from(`${head}\r\n`), body]);

/** Per measured request: ms from due time to the last byte of the response; NaN if it never completed. */
const latency = new Float64Array(total - firstMeasured).fill(Number.NaN);
/** Per measured request: ms from due time to the moment a connection wrote it. */
const sendLag = new Float64Array(total - firstMeasured);
const dueAt = (index: number) => start + index * intervalMs;
let non2xx = 0;
let errors = 0;
let finished = 0;
/** Body bytes of measured responses, to show the bodies were read in full (bytes per response). */
let bodyBytes = 0;
const waiting: number[] = [];

class Connection {
  private socket: net.Socket;
  private readonly buffer = Buffer.allocUnsafe(1 << 18);
  private closing = false;
  private current = -1;
  /** Header bytes of the response being read, kept only until the blank line is seen. */
  private header = '';
  private bodyLeft = -1;
  private status = 0;

  constructor() {
    this.socket = this.connect();
  }

  /** A fresh keep-alive connection; a lost one is replaced so the run goes on (its request counts as an error). */
  private connect(): net.Socket {
    const socket = net.connect({
      host: url.hostname,
      port: Number(url.port || 80),
      noDelay: true,
      onread: { buffer: this.buffer, callback: (n) => this.read(n, this.buffer) },
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      // Replaced first: fail() hands the next waiting request to this connection's (new) socket.
      if (!this.closing) this.socket = this.connect();
      this.fail();
    });
    return socket;
  }

  get idle(): boolean {
    return this.current < 0;
  }

  send(index: number): void {
    this.current = index;
    if (index >= firstMeasured) sendLag[index - firstMeasured] = performance.now() - dueAt(index);
    this.socket.write(request);
  }

  private read(n: number, buf: Buffer): boolean {
    let at = 0;
    while (at < n && this.current >= 0) {
      if (this.bodyLeft < 0) {
        const end = this.header === '' ? buf.indexOf('\r\n\r\n', at) : -1;
        if (end >= 0 && end < n) {
          this.header = buf.toString('latin1', at, end);
          at = end + 4;
        } else {
          // The blank line ending the header may straddle two reads: search what was kept plus this read.
          const prior = this.header.length;
          const upTo = Math.min(n, at + 8192);
          this.header += buf.toString('latin1', at, upTo);
          const split = this.header.indexOf('\r\n\r\n');
          if (split < 0) {
            at = upTo;
            continue;
          }
          this.header = this.header.slice(0, split);
          at += split + 4 - prior;
        }
        this.status = Number(this.header.slice(9, 12));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(this.header);
        this.header = '';
        if (!length) {
          this.socket.destroy();
          return false;
        }
        this.bodyLeft = Number(length[1]);
      }
      const take = Math.min(this.bodyLeft, n - at);
      this.bodyLeft -= take;
      at += take;
      if (this.current >= firstMeasured) bodyBytes += take;
      if (this.bodyLeft === 0) this.complete();
    }
    return true;
  }

  private complete(): void {
    const index = this.current;
    if (index >= firstMeasured) {
      latency[index - firstMeasured] = performance.now() - dueAt(index);
      if (this.status < 200 || this.status > 299) non2xx++;
    }
    this.bodyLeft = -1;
    this.current = -1;
    finished++;
    const next = waiting.shift();
    if (next !== undefined) this.send(next);
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private fail(): void {
    this.bodyLeft = -1;
    this.header = '';
    if (this.current < 0) return;
    if (this.current >= firstMeasured) errors++;
    this.current = -1;
    finished++;
    const next = waiting.shift();
    if (next !== undefined) this.send(next);
  }
}

const connections = Array.from({ length: Number(values.connections) }, () => new Connection());
function dispatch(index: number): void {
  const free = connections.find((c) => c.idle);
  if (free) free.send(index);
  else waiting.push(index);
}

await new Promise((r) => setTimeout(r, 100)); // let the connections open
const start = performance.now() + 10;
let due = 0;
await new Promise<void>((resolve) => {
  // Node's timers fire at 1 ms granularity at best; each tick sends everything that has fallen due, stamped with
  // its own due time, so the schedule stays exact even when a tick is late.
  const tick = () => {
    const now = performance.now();
    while (due < total && dueAt(due) <= now) dispatch(due++);
    if (due < total) setTimeout(tick, Math.max(0, Math.min(1, dueAt(due) - now)));
    else resolve();
  };
  setTimeout(tick, 10);
});
const deadline = performance.now() + 10_000;
while (finished < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
for (const c of connections) c.close();

const done = Array.from(latency).filter((v) => !Number.isNaN(v));
done.sort((a, b) => a - b);
const lags = Array.from(sendLag).sort((a, b) => a - b);
const quantile = (sorted: number[], q: number) =>
  Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN).toFixed(2));
console.log(
  JSON.stringify({
    rate,
    seconds: Number(values.seconds),
    measured: latency.length,
    completed: done.length,
    lost: latency.length - done.length,
    non2xx,
    errors,
    bytesPerResponse: Math.round(bodyBytes / Math.max(1, latency.length)),
    latencyMs: {
      p50: quantile(done, 0.5),
      p90: quantile(done, 0.9),
      p99: quantile(done, 0.99),
      p999: quantile(done, 0.999),
      max: quantile(done, 1),
    },
    sendLagMs: { p99: quantile(lags, 0.99), max: quantile(lags, 1) },
  }),
);
