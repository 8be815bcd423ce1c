import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  EnvironmentDocumentStore,
  REBUILD_TASK,
  RECONCILE_TASK,
  rebuildEnvironmentDocumentTask,
  reconcileEnvironmentDocumentsTask,
} from '../../src/environment-document/index.ts';
import { type TaskProcessor, TaskQueue, TaskRegistry } from '../../src/tasks/index.ts';
import { type AdminClient, adminClient } from '../support/admin-client.ts';
import { startTestProcessor } from '../support/task-helpers.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { waitFor } from '../support/wait-for.ts';

const KEY = 'documents-bootstrap-key-0123456789';

async function dataVersion(server: TestServer, environmentId: number): Promise<number> {
  const row = await server.database.db
    .selectFrom('environments')
    .select('data_version')
    .where('id', '=', environmentId)
    .executeTakeFirstOrThrow();
  return Number(row.data_version);
}

/** The stored document once it is built from the environment's current data. */
async function currentDocument(server: TestServer, environmentId: number) {
  const store = new EnvironmentDocumentStore(server.database.db);
  return waitFor(async () => {
    const [doc, version] = await Promise.all([store.read(environmentId), dataVersion(server, environmentId)]);
    return doc && doc.dataVersion === version ? doc : undefined;
  }, `document of environment ${environmentId} at its current version`);
}

async function rebuildTasks(server: TestServer, environmentId: number) {
  const { rows } = await sql<{ state: string; n: number }>`
    SELECT state, count(*)::int AS n FROM vexil_tasks WHERE type = ${REBUILD_TASK} AND coalesce_key = ${String(environmentId)}
    GROUP BY state`.execute(server.database.db);
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Record<string, number>;
}

let projects = 0;

async function setUp(api: AdminClient) {
  const org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
  const project = await api.ok(201, 'POST', '/api/v1/projects/', {
    name: `P${++projects}`,
    organisation: org,
  });
  const env = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: project.id });
  const feature = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, {
    name: 'banner',
    initial_value: 'first',
  });
  const states = await api.ok(
    200,
    'GET',
    `/api/v1/environments/${env.api_key}/featurestates/?feature=${feature.id}`,
  );
  return {
    org,
    project,
    env,
    feature,
    stateUrl: `/api/v1/environments/${env.api_key}/featurestates/${states.results[0].id}/`,
  };
}

function processorFor(server: TestServer): Promise<TaskProcessor> {
  const registry = new TaskRegistry([rebuildEnvironmentDocumentTask, reconcileEnvironmentDocumentsTask], {
    timeoutMs: 60_000,
    memoryLimitMb: 128,
    maxAttempts: 3,
  });
  return startTestProcessor(server.database, { registry, queue: new TaskQueue(registry), leaseMs: 5_000 });
}

describeEachBackend('environment documents follow admin writes', (backend) => {
  let server: TestServer;
  let api: AdminClient;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      VEXIL_BOOTSTRAP_API_KEY: KEY,
      VEXIL_TASKS_POLL_INTERVAL_MS: '200',
    });
    api = adminClient(server.url, `Api-Key ${KEY}`);
  });
  afterAll(() => server.dispose());

  it('a new environment gets its document, and an admin write gets into it', async () => {
    const { env, stateUrl } = await setUp(api);
    const first = await currentDocument(server, env.id);
    expect(JSON.parse(first.document).feature_states).toMatchObject([
      { feature: { name: 'banner' }, feature_state_value: 'first' },
    ]);

    await api.ok(200, 'PATCH', stateUrl, { feature_state_value: 'second', enabled: true });
    const second = await currentDocument(server, env.id);
    expect(second.dataVersion).toBeGreaterThan(first.dataVersion);
    expect(JSON.parse(second.document).feature_states).toMatchObject([
      { feature: { name: 'banner' }, feature_state_value: 'second', enabled: true },
    ]);

    // The admin view serves the stored text as is.
    const view = await fetch(`${server.url}/api/v1/environments/${env.api_key}/document/`, {
      headers: { authorization: `Api-Key ${KEY}` },
    });
    expect(view.status).toBe(200);
    expect(view.headers.get('x-vexil-document-version')).toBe(String(second.dataVersion));
    expect(await view.text()).toBe(second.document);
    expect((await api.request('GET', '/api/v1/environments/nosuchkey/document/')).status).toBe(404);

    // The rebuilds ran in worker threads; their log lines reached this process's metrics.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const rebuilt = /^vexil_environment_document_rebuilds_total\{stored="true"\} (\d+)$/m.exec(metrics);
    expect(Number(rebuilt?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^vexil_environment_document_build_seconds_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^vexil_environment_document_bytes_sum [1-9]\d*$/m);
    expect(metrics).toMatch(/^vexil_environment_documents_behind \d+$/m);
    const anonymous = adminClient(server.url, null);
    expect((await anonymous.request('GET', `/api/v1/environments/${env.api_key}/document/`)).status).toBe(
      401,
    );
  });

  it('a deleted environment takes its document along and its last rebuild succeeds', async () => {
    const { env } = await setUp(api);
    await currentDocument(server, env.id);
    await api.ok(204, 'DELETE', `/api/v1/environments/${env.api_key}/`);
    await waitFor(async () => {
      const t = await rebuildTasks(server, env.id);
      return (t.queued ?? 0) + (t.running ?? 0) === 0 ? t : undefined;
    }, 'the rebuild after deletion');
    expect(await rebuildTasks(server, env.id)).not.toHaveProperty('parked');
    expect(await new EnvironmentDocumentStore(server.database.db).read(env.id)).toBeUndefined();
  });
});

describeEachBackend('environment documents with the processor stopped', (backend) => {
  let server: TestServer;
  let api: AdminClient;
  beforeAll(async () => {
    // No tasks role: rebuilds queue up until the test starts a processor.
    server = await startTestServer(backend, {
      VEXIL_BOOTSTRAP_API_KEY: KEY,
      VEXIL_ROLES: 'api',
      VEXIL_MAX_ENVIRONMENT_DOCUMENT_BYTES: '40000',
    });
    api = adminClient(server.url, `Api-Key ${KEY}`);
  });
  afterAll(() => server.dispose());

  it('coalesces 200 changes to one environment into one rebuild', async () => {
    const { env, stateUrl } = await setUp(api);
    for (let i = 0; i < 200; i++) {
      await api.ok(200, 'PATCH', stateUrl, { feature_state_value: `v${i}` });
    }
    expect(await rebuildTasks(server, env.id)).toEqual({ queued: 1 });
    const processor = await processorFor(server);
    try {
      const doc = await currentDocument(server, env.id);
      expect(JSON.parse(doc.document).feature_states[0].feature_state_value).toBe('v199');
      // Drained means nothing queued and nothing running: the follow-up may be between the two when polled.
      await waitFor(async () => {
        const t = await rebuildTasks(server, env.id);
        return t.queued || t.running ? undefined : true;
      }, 'queue drained');
      const tasks = await rebuildTasks(server, env.id);
      expect(tasks.succeeded).toBeGreaterThanOrEqual(1);
      expect(tasks.succeeded).toBeLessThanOrEqual(2);
    } finally {
      await processor.stop();
    }
  });

  it('the reconciler rebuilds a document whose rebuild task was deleted', async () => {
    const { env, stateUrl } = await setUp(api);
    await api.ok(200, 'PATCH', stateUrl, { feature_state_value: 'lost-then-found' });
    await sql`DELETE FROM vexil_tasks WHERE type = ${REBUILD_TASK}`.execute(server.database.db);
    expect(await new EnvironmentDocumentStore(server.database.db).read(env.id)).toBeUndefined();
    const processor = await processorFor(server);
    try {
      const queue = new TaskQueue(
        new TaskRegistry([reconcileEnvironmentDocumentsTask], {
          timeoutMs: 1,
          memoryLimitMb: 16,
          maxAttempts: 1,
        }),
      );
      await queue.enqueue(server.database.db, { type: RECONCILE_TASK, key: 'test', payload: {} });
      const doc = await currentDocument(server, env.id);
      expect(JSON.parse(doc.document).feature_states[0].feature_state_value).toBe('lost-then-found');
    } finally {
      await processor.stop();
    }
  });

  it('a write over the document-size limit is a 400 and enqueues nothing', async () => {
    const { env } = await setUp(api);
    const before = { version: await dataVersion(server, env.id), tasks: await rebuildTasks(server, env.id) };
    const tools = fileURLToPath(new URL('../../../../../shared/tools/', import.meta.url));
    const big = JSON.parse(
      execFileSync(process.execPath, [
        `${tools}gen-env-doc.mjs`,
        '--features',
        '100',
        '--segments',
        '50',
        '--overrides',
        '400',
      ]).toString(),
    );
    const res = await api.request('POST', `/api/v1/environments/${env.api_key}/import-document/`, big);
    expect(res.status).toBe(400);
    expect(res.text).toContain('max_environment_document_bytes');
    expect(await dataVersion(server, env.id)).toBe(before.version);
    expect(await rebuildTasks(server, env.id)).toEqual(before.tasks);
  });
});
