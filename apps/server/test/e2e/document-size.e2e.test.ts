import { environmentDocument } from '@vexil/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { estimateEnvironmentDocumentBytes } from '../../src/modules/limits/index.ts';
import { adminClient } from '../support/admin-client.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const KEY = 'docsize-bootstrap-key-0123456789';

describeEachBackend('estimateEnvironmentDocumentBytes', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { VEXIL_BOOTSTRAP_API_KEY: KEY });
  });
  afterAll(() => server.dispose());

  it('lands within 25% of the JSON size of the document it was imported from', async () => {
    const api = adminClient(server.url, `Api-Key ${KEY}`);
    const org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
    const project = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'P', organisation: org });
    const env = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: project.id });
    const empty = await estimateEnvironmentDocumentBytes(server.database.db, env.id);
    const doc = environmentDocument({ features: 120, segments: 60, identities: 40 });
    await api.ok(200, 'POST', `/api/v1/environments/${env.api_key}/import-document/`, doc);
    const estimate = await estimateEnvironmentDocumentBytes(server.database.db, env.id);
    const actual = JSON.stringify(doc).length;
    expect(empty).toBeLessThan(3000);
    expect(estimate / actual).toBeGreaterThan(0.75);
    expect(estimate / actual).toBeLessThan(1.25);
    const usage = await api.ok(200, 'GET', `/api/v1/environments/${env.api_key}/limits/`);
    expect(usage.find((u: { name: string }) => u.name === 'max_environment_document_bytes').usage).toBe(
      estimate,
    );
  });
});
