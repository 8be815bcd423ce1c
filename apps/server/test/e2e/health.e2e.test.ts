import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend, withAdminClient } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describeEachBackend('health endpoints', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.dispose());

  it('answers liveness with {"status":"ok"}, with or without the trailing slash', async () => {
    for (const path of ['/health/liveness', '/health/liveness/']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
  });

  it('answers readiness 200 listing each check when the database reads, writes and is fully migrated', async () => {
    const res = await fetch(`${server.url}/health/readiness`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.checks.database?.status).toBe('ok');
    expect(body.checks.migrations?.status).toBe('ok');
  });

  it('answers readiness 503 naming the migrations check when a migration is pending', async () => {
    const newest = await server.database.db
      .selectFrom('vexil_migrations')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await server.database.db.deleteFrom('vexil_migrations').where('id', '=', newest.id).execute();
    try {
      const res = await fetch(`${server.url}/health/readiness`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { failing: string[]; checks: Record<string, { detail?: string }> };
      expect(body.failing).toEqual(['migrations']);
      expect(body.checks.migrations?.detail).toContain(newest.name);
    } finally {
      await server.database.db.insertInto('vexil_migrations').values(newest).execute();
    }
    expect((await fetch(`${server.url}/health/readiness`)).status).toBe(200);
  });

  it('serves Prometheus metrics with process metrics and an HTTP latency histogram by route', async () => {
    await fetch(`${server.url}/health/liveness`);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('vexil_process_resident_memory_bytes');
    expect(text).toMatch(/vexil_http_request_duration_seconds_bucket\{[^}]*route="\/health\/liveness"/);
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await fetch(`${server.url}/health/liveness`, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await fetch(`${server.url}/health/liveness`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends Flagsmith-Version on every response, as Core does', async () => {
    for (const url of ['/health/liveness', '/api/v1/nothing-here/', '/api/v1/flags/']) {
      expect((await fetch(`${server.url}${url}`)).headers.get('flagsmith-version')).toBe('2.265.0');
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here/`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: 'Not found.' });
  });
});

describeEachBackend('readiness when the database is gone', (backend) => {
  it('answers 503 naming the database check, and recovers when the database returns', async () => {
    const server = await startTestServer(backend);
    try {
      if (backend === 'pglite') await server.testDatabase.database.close();
      else await setConnectionsAllowed(server, false);
      const res = await fetch(`${server.url}/health/readiness`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { failing: string[] };
      expect(body.failing).toContain('database');
      if (backend === 'postgres') {
        await setConnectionsAllowed(server, true);
        expect((await fetch(`${server.url}/health/readiness`)).status).toBe(200);
      }
    } finally {
      await server.close();
      await server.testDatabase.dispose().catch(() => {});
    }
  });
});

/** A real outage for a pg pool: refuse new connections and kill the open ones. */
async function setConnectionsAllowed(server: TestServer, allowed: boolean) {
  const name = new URL(server.testDatabase.url as string).pathname.slice(1);
  await withAdminClient(async (client) => {
    await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed)
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
}

describeEachBackend('graceful shutdown', (backend) => {
  it('finishes an in-flight request, then refuses new connections', async () => {
    const server = await startTestServer(backend);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    server.readiness.register('slow', async () => {
      entered();
      await gate;
      return { status: 'ok' };
    });
    const inFlight = fetch(`${server.url}/health/readiness`);
    // Close only once the request is inside the server: a fixed sleep let a loaded machine close first.
    await inside;
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 100));
    release();
    expect((await inFlight).status).toBe(200);
    await closing;
    await expect(fetch(`${server.url}/health/liveness`)).rejects.toThrow();
    await server.testDatabase.dispose();
  });
});
