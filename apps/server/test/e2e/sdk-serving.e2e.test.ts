import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient } from '../support/admin-client.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { waitFor } from '../support/wait-for.ts';

const KEY = 'sdk-serving-bootstrap-key-0123456789';

interface Flag {
  feature: { name: string; description: string | null };
  enabled: boolean;
  feature_state_value: unknown;
}

// The whole path in one process: admin write → rebuild task → stored document + NOTIFY → SDK cache → response.
// The periodic check is set to ten minutes, so only the notification can deliver the change in time.
describeEachBackend('SDK serving of admin changes', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      VEXIL_BOOTSTRAP_API_KEY: KEY,
      VEXIL_TASKS_POLL_INTERVAL_MS: '200',
      VEXIL_SDK_REFRESH_INTERVAL_MS: '600000',
    });
  });
  afterAll(() => server.dispose());

  it('serves the first document, then a feature state change through the notification path', async () => {
    const api = adminClient(server.url, `Api-Key ${KEY}`);
    const org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
    const project = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'SDK', organisation: org });
    const env = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: project.id });
    const feature = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, {
      name: 'banner',
      initial_value: 'first',
      description: 'the banner',
    });
    const flags = async () => {
      const res = await fetch(`${server.url}/api/v1/flags/`, {
        headers: { 'x-environment-key': env.api_key },
      });
      return res.status === 200 ? ((await res.json()) as Flag[]) : undefined;
    };
    // The environment is served from its first document (no features) before the feature's rebuild lands: wait for
    // the document that has the feature, not for any 200.
    const first = await waitFor(async () => {
      const f = await flags();
      return f?.some((flag) => flag.feature.name === 'banner') ? f : undefined;
    }, 'the document with the new feature');
    expect(first).toMatchObject([
      { feature: { name: 'banner', description: 'the banner' }, feature_state_value: 'first' },
    ]);

    const states = await api.ok(
      200,
      'GET',
      `/api/v1/environments/${env.api_key}/featurestates/?feature=${feature.id}`,
    );
    await api.ok(200, 'PATCH', `/api/v1/environments/${env.api_key}/featurestates/${states.results[0].id}/`, {
      feature_state_value: 'second',
      enabled: true,
    });
    const second = await waitFor(async () => {
      const f = await flags();
      return f?.[0]?.feature_state_value === 'second' ? f : undefined;
    }, 'the changed value served');
    expect(second[0]?.enabled).toBe(true);
  });
});
