import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const KEY = 'quirks-bootstrap-key-0123456789';

/** What real Flagsmith clients send that a strict HTTP server might refuse. */
describeEachBackend('admin API: client habits', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { VEXIL_BOOTSTRAP_API_KEY: KEY });
  });
  afterAll(() => server.dispose());

  const headers = {
    authorization: `Api-Key ${KEY}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };

  it('accepts DELETE and GET with a JSON content type and no body (the Go client behind the Terraform provider)', async () => {
    const orgs = (await (await fetch(`${server.url}/api/v1/organisations/`, { headers })).json()) as {
      results: { id: number }[];
    };
    const org = orgs.results[0]?.id;
    const project = (await (
      await fetch(`${server.url}/api/v1/projects/`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'p', organisation: org }),
      })
    ).json()) as { id: number };
    expect((await fetch(`${server.url}/api/v1/projects/${project.id}/`, { headers })).status).toBe(200);
    const res = await fetch(`${server.url}/api/v1/projects/${project.id}/`, { method: 'DELETE', headers });
    expect(res.status).toBe(204);
  });

  it('accepts paths without the trailing slash', async () => {
    expect((await fetch(`${server.url}/api/v1/organisations`, { headers })).status).toBe(200);
  });
});
