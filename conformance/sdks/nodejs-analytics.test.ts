import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';
import { eventually, settledDocument } from './support/expectations.ts';
import { nodeClient } from './support/nodejs.ts';
import { buildScenario, type Scenario } from './support/scenario.ts';

interface Seen {
  url: string;
  body: unknown;
  status: number;
}

/**
 * flagsmith-nodejs's AnalyticsProcessor posts with the global fetch (it is not given the client's `fetch`), so the
 * test watches the global one: it records what the unmodified SDK sends and what our server answers.
 */
function watchFetch(): { seen: Seen[]; restore: () => void } {
  const original = globalThis.fetch;
  const seen: Seen[] = [];
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const res = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/analytics/'))
      seen.push({ url, body: init?.body ? JSON.parse(String(init.body)) : null, status: res.status });
    return res;
  };
  return { seen, restore: () => (globalThis.fetch = original) };
}

describeEachTarget('flagsmith-nodejs, analytics', (target) => {
  let scenario: Scenario;
  let restore = () => {};
  /** Every count the SDK posted and the server accepted in this file, per feature: what evaluation-data must sum. */
  const posted: Record<string, number> = {};
  const record = (seen: Seen[]) => {
    for (const s of seen) {
      if (s.status !== 200) continue;
      for (const [name, n] of Object.entries(s.body as Record<string, number>))
        posted[name] = (posted[name] ?? 0) + n;
    }
  };
  beforeAll(async () => {
    scenario = await buildScenario(target);
    await settledDocument(scenario);
  });
  afterEach(() => restore());

  /** Evaluations through the unmodified SDK, then the one more, 10 s later, that makes it flush. */
  const evaluate = async () => {
    const sdk = nodeClient(scenario.baseUrl, scenario.serverKey, { enableAnalytics: true });
    const flags = await sdk.getEnvironmentFlags();
    for (let i = 0; i < 3; i++) flags.getFeatureValue('f_string');
    flags.isFeatureEnabled('f_int');
    flags.getFlag('not_a_feature'); // missing flags are not counted
    // The SDK flushes on the first evaluation more than 10 s after the previous flush (or its creation).
    await new Promise((r) => setTimeout(r, 10_200));
    (await sdk.getIdentityFlags('analytics-user', { plan: 'beta' })).getFeatureValue('f_string');
  };

  it('posts evaluation counts to analytics/flags/ and the server accepts them', {
    timeout: 60_000,
  }, async () => {
    const watch = watchFetch();
    restore = watch.restore;
    await evaluate();
    await eventually(async () => expect(watch.seen.length).toBe(1), { timeoutMs: 5_000 });
    expect(watch.seen[0]).toEqual({
      url: `${scenario.baseUrl}/api/v1/analytics/flags/`,
      body: { f_string: 4, f_int: 1 },
      status: 200,
    });
    record(watch.seen);
  });

  // Flagsmith shows the counts as feature evaluation data, summed per day.
  it('the counts are readable at features/{id}/evaluation-data/', { timeout: 90_000 }, async () => {
    const watch = watchFetch();
    restore = watch.restore;
    await evaluate();
    await eventually(async () => expect(watch.seen.length).toBe(1), { timeoutMs: 5_000 });
    record(watch.seen);
    const url = (feature: Json) =>
      `/api/v1/projects/${scenario.project.id}/features/${feature.id}/evaluation-data/?environment_id=${scenario.environment.id}`;
    const total = (rows: Json) =>
      Array.isArray(rows) ? rows.reduce((n: number, r: Json) => n + r.count, 0) : rows;
    // The servers under test write counts every second (VEXIL_SDK_ANALYTICS_FLUSH_MS in the global setup).
    await eventually(
      async () => {
        expect(total(await scenario.admin.expect(200, 'GET', url(scenario.features.f_string)))).toBe(
          posted.f_string,
        );
        expect(total(await scenario.admin.expect(200, 'GET', url(scenario.features.f_int)))).toBe(
          posted.f_int,
        );
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(posted.f_string).toBeGreaterThanOrEqual(4);
    const rows = await scenario.admin.expect(200, 'GET', url(scenario.features.f_string));
    for (const row of rows)
      expect(row).toEqual({ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), count: expect.any(Number) });
  });
});
