import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/support/test-databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { CLIENT_KEY, createSdkFixture, type SdkFixture, sdkDocument, until } from './sdk-test-fixture.ts';

describeEachBackend('SDK analytics and realtime', (backend) => {
  let server: TestServer;
  let fixture: SdkFixture;

  beforeAll(async () => {
    server = await startTestServer(backend, {
      VEXIL_ROLES: 'sdk',
      VEXIL_SDK_REFRESH_INTERVAL_MS: '100',
      VEXIL_SDK_ANALYTICS_FLUSH_MS: '100',
      VEXIL_SDK_SSE_KEEPALIVE_MS: '100',
    });
    fixture = await createSdkFixture(server.database);
    await fixture.writeDocument(sdkDocument(fixture.environmentId), 1);
  });
  afterAll(() => server.dispose());

  it('counts v1 and v2 analytics per feature, dropping what Flagsmith drops, and writes them to the table', async () => {
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      server.http.inject({
        method: 'POST',
        url,
        headers: { 'x-environment-key': CLIENT_KEY, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(payload),
      });
    const v1 = await post(
      '/api/v1/analytics/flags/',
      { banner: 3, colour: 2, unknown_feature: 5, secret: 1.5, flag: true },
      { 'user-agent': 'flagsmith-nodejs-sdk/9.0.0' },
    );
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toBe('');
    await post('/api/v1/analytics/flags/', { banner: 4 }, { 'user-agent': 'flagsmith-nodejs-sdk/9.0.0' });
    const v2 = await post('/api/v2/analytics/flags/', {
      evaluations: [
        { feature_name: 'colour', identity_identifier: 'u', enabled_when_evaluated: true, count: 5 },
      ],
    });
    expect(v2.statusCode).toBe(204);
    const bad = await post('/api/v1/analytics/flags/', [1, 2]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ non_field_errors: ['Expected a JSON object.'] });

    const rows = async () =>
      (
        await server.database.db
          .selectFrom('feature_evaluation_counts')
          .select(['feature_name', 'user_agent', 'count'])
          .orderBy('feature_name')
          .orderBy('user_agent')
          .execute()
      ).map((r) => ({ ...r, count: Number(r.count) }));
    await until(async () => (await rows()).length === 3, 'analytics flushed');
    expect(await rows()).toEqual([
      { feature_name: 'banner', user_agent: 'flagsmith-nodejs-sdk/9.0.0', count: 7 },
      { feature_name: 'colour', user_agent: '', count: 5 },
      { feature_name: 'colour', user_agent: 'flagsmith-nodejs-sdk/9.0.0', count: 2 },
    ]);
  });

  it('streams environment_updated with the new updated_at when a newer document is stored', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/sse/environments/${CLIENT_KEY}/stream`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += decoder.decode(value);
      }
    };
    await readUntil(': keep-alive');
    await fixture.writeDocument(sdkDocument(fixture.environmentId), 2, new Date('2026-11-21T12:00:00.5Z'));
    await readUntil('event: environment_updated');
    await readUntil('\n\n');
    expect(text).toContain('event: environment_updated\ndata: {"updated_at":1795262400.5}\n\n');
    controller.abort();
    const unknown = await fetch(`${server.url}/sse/environments/noSuchKey/stream`);
    expect(unknown.status).toBe(404);
  });
});
