import { execFile } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const GENERATOR = fileURLToPath(new URL('./open-loop.ts', import.meta.url));
const run = promisify(execFile);

interface Report {
  measured: number;
  completed: number;
  lost: number;
  non2xx: number;
  errors: number;
  bytesPerResponse: number;
  latencyMs: { p50: number; p99: number; max: number };
}

let server: http.Server | undefined;
afterEach(() => server?.close());

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
}

async function generate(url: string, ...extra: string[]): Promise<Report> {
  const args = [GENERATOR, '--url', url, '--rate', '200', '--seconds', '2', '--warmup', '0.5', ...extra];
  const { stdout } = await run(process.execPath, args);
  return JSON.parse(stdout) as Report;
}

describe('open-loop load generator', () => {
  it('sends the configured rate and reads every body in full, with the method, headers and body given', async () => {
    const body = 'x'.repeat(70_000); // larger than one socket read
    const seen: string[] = [];
    const url = await serve((req, res) => {
      let received = '';
      req.on('data', (chunk) => {
        received += chunk;
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.headers['x-probe']} ${received}`);
        res.writeHead(200, { 'content-length': body.length }).end(body);
      });
    });
    const report = await generate(url, '--method', 'POST', '--body', '{"a":1}', '--header', 'x-probe=yes');
    expect(report).toMatchObject({ measured: 400, completed: 400, lost: 0, non2xx: 0, errors: 0 });
    expect(report.bytesPerResponse).toBe(body.length);
    expect(seen).toHaveLength(500); // warm-up included
    expect(new Set(seen)).toEqual(new Set(['POST yes {"a":1}']));
  });

  it('reads a header that arrives split across reads, with the blank line itself split', async () => {
    // A raw TCP server, so each response goes out in three writes with pauses between them (separate reads).
    const raw = net.createServer((socket) => {
      socket.on('data', (chunk) => {
        for (let i = chunk.indexOf('\r\n\r\n'); i >= 0; i = chunk.indexOf('\r\n\r\n', i + 4)) {
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r');
          setTimeout(() => socket.write('\nhel'), 3);
          setTimeout(() => socket.write('lo'), 6);
        }
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const port = (raw.address() as AddressInfo).port;
      const report = await generate(`http://127.0.0.1:${port}/`, '--rate', '50', '--connections', '8');
      expect(report).toMatchObject({ lost: 0, non2xx: 0, errors: 0, bytesPerResponse: 5 });
      expect(report.completed).toBe(report.measured);
    } finally {
      raw.close();
    }
  });

  it('counts a stall against every request that fell due during it (no coordinated omission)', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      // One 300 ms stall of the whole server process after one second of the run.
      if (calls === 300) {
        const until = Date.now() + 300;
        while (Date.now() < until) {}
      }
      res.writeHead(200, { 'content-length': 2 }).end('ok');
    });
    const report = await generate(url);
    expect(report.completed).toBe(400);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(290);
    // 300 ms at 200 requests/s is ~60 requests delayed: well over 1% of 400, so p99 must show the stall too. A
    // closed-loop client that waits for the stalled response before sending more would record one slow request.
    expect(report.latencyMs.p99).toBeGreaterThan(200);
    expect(report.latencyMs.p50).toBeLessThan(50);
  });

  it('reports non-2xx answers and counts a response without Content-Length as an error', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      if (calls % 2 === 0) res.writeHead(503, { 'content-length': 4 }).end('busy');
      else {
        res.write('chunked'); // no Content-Length: Node sends the body chunked
        res.end();
      }
    });
    const report = await generate(url, '--connections', '4');
    expect(report.non2xx).toBeGreaterThan(0);
    expect(report.errors).toBeGreaterThan(0);
    // Every request either completed or is an error: none is left unanswered on a connection that was closed.
    expect(report.lost).toBe(report.errors);
  });

  it('sends requests that queued behind a connection on its replacement when that connection is closed', async () => {
    const url = await serve((_req, res) => {
      res.write('chunked'); // every answer is an error, and the generator closes the connection
      res.end();
    });
    // One connection at 1,000/s: requests queue behind it while it is replaced.
    const report = await generate(url, '--connections', '1', '--rate', '1000');
    expect(report.completed).toBe(0);
    expect(report.errors).toBe(report.measured);
  });
});
