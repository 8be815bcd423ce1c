import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** A stand-in for apps/dashboard/dist: what the server does with it does not depend on what the build holds. */
function fakeDist(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vexil-dashboard-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Vexil</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describe('dashboard at /', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = fakeDist();
    server = await startTestServer('pglite', { VEXIL_DASHBOARD_DIR: dir });
  });
  afterAll(async () => {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, never cached', async () => {
    for (const p of ['/', '/projects/1/environments/abc/features', '/login?next=%2F']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with a long cache and other files as they are', async () => {
    const js = await fetch(`${server.url}/assets/app-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const svg = await fetch(`${server.url}/favicon.svg`);
    expect(svg.headers.get('content-type')).toMatch(/image\/svg/);
  });

  it('answers a missing asset and any unknown API path with a JSON 404, not the page', async () => {
    for (const p of ['/assets/old-bundle.js', '/api/v1/no-such-thing/', '/api/nope', '/health/nope']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Not found.' });
    }
  });

  it('does not serve files outside its directory', async () => {
    const res = await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`);
    expect(await res.text()).not.toContain('root:');
  });

  it('keeps the admin API and health routes working beside it', async () => {
    expect((await fetch(`${server.url}/health/liveness`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/projects/`)).status).toBe(401);
  });
});

describe('dashboard not built', () => {
  it('says how to build it at / instead of failing to start', async () => {
    const server = await startTestServer('pglite', {
      VEXIL_DASHBOARD_DIR: path.join(os.tmpdir(), 'no-such'),
    });
    try {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/npm run build -w @vexil\/dashboard/);
    } finally {
      await server.dispose();
    }
  });
});

describeEachBackend('GET /api/v1/auth/setup/', (backend) => {
  it('tells the dashboard, without credentials, whether the first user still has to sign up', async () => {
    const server = await startTestServer(backend);
    try {
      const before = await fetch(`${server.url}/api/v1/auth/setup/`);
      expect(before.status).toBe(200);
      expect(await before.json()).toEqual({ first_user_needed: true });
      const signUp = await fetch(`${server.url}/api/v1/auth/users/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'first@example.com', password: 'long-enough-pw' }),
      });
      expect(signUp.status).toBe(201);
      expect(await (await fetch(`${server.url}/api/v1/auth/setup/`)).json()).toEqual({
        first_user_needed: false,
      });
    } finally {
      await server.dispose();
    }
  });
});
