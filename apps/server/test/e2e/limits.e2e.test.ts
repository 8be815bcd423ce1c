import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const KEY = 'limits-bootstrap-key-0123456789';

describeEachBackend('write-time limits', (backend) => {
  let server: TestServer;
  let api: AdminClient;
  let project: { id: number };
  let env: { id: number; api_key: string };

  beforeAll(async () => {
    server = await startTestServer(backend, {
      VEXIL_BOOTSTRAP_API_KEY: KEY,
      VEXIL_MAX_FEATURES_PER_PROJECT: '2',
      VEXIL_MAX_SEGMENTS_PER_PROJECT: '2',
      VEXIL_MAX_SEGMENT_OVERRIDES_PER_ENVIRONMENT: '1',
      VEXIL_MAX_IDENTITY_OVERRIDES_PER_ENVIRONMENT: '1',
      VEXIL_MAX_CONDITIONS_PER_SEGMENT: '3',
    });
    api = adminClient(server.url, `Api-Key ${KEY}`);
    const org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
    project = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'P', organisation: org });
    env = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: project.id });
  });
  afterAll(() => server.dispose());

  it('shows the configured limits on the project (Flagsmith field names) and with usage', async () => {
    const p = await api.ok(200, 'GET', `/api/v1/projects/${project.id}/`);
    expect(p).toMatchObject({
      max_features_allowed: 2,
      max_segments_allowed: 2,
      max_segment_overrides_allowed: 1,
    });
  });

  it('refuses the feature over the limit, naming the limit, its value and the usage', async () => {
    const f1 = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, { name: 'a' });
    await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, { name: 'b' });
    const res = await api.request('POST', `/api/v1/projects/${project.id}/features/`, { name: 'c' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      project:
        'The Project has reached the maximum allowed features limit: max_features_allowed is 2 and the project has 2 features.',
    });
    expect(await api.ok(200, 'GET', `/api/v1/projects/${project.id}/limits/`)).toContainEqual({
      name: 'max_features_allowed',
      limit: 2,
      usage: 2,
    });

    const s1 = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/segments/`, {
      name: 's1',
      rules: [],
    });
    const s2 = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/segments/`, {
      name: 's2',
      rules: [],
    });
    const seg = await api.request('POST', `/api/v1/projects/${project.id}/segments/`, {
      name: 's3',
      rules: [],
    });
    expect(seg.status).toBe(400);
    expect(seg.body.project).toMatch(/max_segments_allowed is 2 and the project has 2 segments/);

    const url = `/api/v1/environments/${env.api_key}/features/${f1.id}/create-segment-override/`;
    await api.ok(201, 'POST', url, { feature_segment: { segment: s1.id }, enabled: true });
    const over = await api.request('POST', url, { feature_segment: { segment: s2.id }, enabled: true });
    expect(over.status).toBe(400);
    expect(over.body.environment).toMatch(
      /max_segment_overrides_allowed is 1 and the environment has 1 segment overrides/,
    );

    const identity = await api.ok(201, 'POST', `/api/v1/environments/${env.api_key}/identities/`, {
      identifier: 'u',
    });
    const io = `/api/v1/environments/${env.api_key}/identities/${identity.id}/featurestates/`;
    await api.ok(201, 'POST', io, { feature: f1.id, enabled: true });
    const ioOver = await api.request('POST', io, {
      feature: (await api.ok(200, 'GET', `/api/v1/projects/${project.id}/features/?search=b`)).results[0].id,
      enabled: true,
    });
    expect(ioOver.status).toBe(400);
    expect(ioOver.body.environment).toMatch(
      /max_identity_overrides_allowed is 1 and the environment has 1 identity overrides/,
    );
  });

  it('checks conditions per segment on create and update', async () => {
    const p2 = await api.ok(201, 'POST', '/api/v1/projects/', {
      name: 'P2',
      organisation: (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id,
    });
    const conditions = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ operator: 'EQUAL', property: `p${i}`, value: 'v' }));
    const s = await api.ok(201, 'POST', `/api/v1/projects/${p2.id}/segments/`, {
      name: 'ok',
      rules: [{ type: 'ALL', conditions: conditions(3) }],
    });
    const res = await api.request('PUT', `/api/v1/projects/${p2.id}/segments/${s.id}/`, {
      name: 'ok',
      rules: [
        { type: 'ALL', conditions: conditions(2), rules: [{ type: 'ANY', conditions: conditions(2) }] },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      segment: ['The segment has 4 conditions, which exceeds the maximum condition count of 3.'],
    });
  });

  it('rolls back a whole import that would pass a limit', async () => {
    const p3 = await api.ok(201, 'POST', '/api/v1/projects/', {
      name: 'P3',
      organisation: (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id,
    });
    const e3 = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: p3.id });
    const feature = (name: string) => ({
      feature: { name, type: 'STANDARD' },
      enabled: true,
      feature_state_value: 1,
    });
    const res = await api.request('POST', `/api/v1/environments/${e3.api_key}/import-document/`, {
      feature_states: [feature('x'), feature('y'), feature('z')],
    });
    expect(res.status).toBe(400);
    expect(res.body.project).toMatch(/max_features_allowed is 2/);
    expect((await api.ok(200, 'GET', `/api/v1/projects/${p3.id}/features/`)).count).toBe(0);
  });
});
