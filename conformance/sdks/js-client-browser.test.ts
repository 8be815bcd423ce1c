import type { EnvironmentDocument } from '@vexil/engine';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';
import {
  eventually,
  expectedFlags,
  generateIdentities,
  mismatches,
  settledDocument,
} from './support/expectations.ts';
import {
  type JsFlags,
  type JsIdentity,
  jsView,
  launchChromium,
  startStaticSite,
} from './support/js-client.ts';
import { buildScenario, type Scenario } from './support/scenario.ts';

// The JavaScript client SDK's browser bundle in headless Chromium, on a page served from another origin than the
// API (so every request goes through CORS, preflights included), exactly as a web app loads it.
describeEachTarget('flagsmith (JS client) in Chromium', (target) => {
  let scenario: Scenario;
  let doc: EnvironmentDocument;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startStaticSite>>;
  let page: Page;
  const consoleErrors: string[] = [];
  beforeAll(async () => {
    [scenario, browser, site] = await Promise.all([
      buildScenario(target),
      launchChromium(),
      startStaticSite(),
    ]);
    doc = await settledDocument(scenario);
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(site.url);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  const api = () => `${scenario.baseUrl}/api/v1/`;

  it('loads the environment flags cross-origin', async () => {
    const flags = await page.evaluate(
      async ({ api, key }) => {
        const w = globalThis as unknown as Json;
        const flagsmith = w.index.createFlagsmithInstance();
        await flagsmith.init({ environmentID: key, api });
        return flagsmith.getAllFlags();
      },
      { api: api(), key: scenario.clientKey },
    );
    expect(consoleErrors).toEqual([]);
    expect(jsView(flags as JsFlags)).toEqual(expectedFlags(doc, undefined, { clientKey: true }));
  });

  it('100 generated identities with traits agree with our engine', async () => {
    const identities = generateIdentities(100, 4001, { prefix: `browser-${target.name}` });
    const results = await page.evaluate(
      async ({ api, key, identities }) => {
        const w = globalThis as unknown as Json;
        const out = [];
        for (const { identifier, traits } of identities) {
          const flagsmith = w.index.createFlagsmithInstance();
          await flagsmith.init({ environmentID: key, api, identity: identifier, traits });
          out.push(flagsmith.getAllFlags());
        }
        return out;
      },
      { api: api(), key: scenario.clientKey, identities: identities as JsIdentity[] },
    );
    const rows = identities.map(({ identifier, traits }, i) => ({
      identifier,
      traits,
      actual: jsView(results[i] as JsFlags),
      expected: expectedFlags(doc, { identifier, traits }, { clientKey: true }),
    }));
    expect(mismatches(rows)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('enableAnalytics: posts evaluation counts to analytics/flags/ (every 10 s) and the server accepts them', async () => {
    const analytics = `${scenario.baseUrl}/api/v1/analytics/flags/`;
    const posted = page.waitForRequest((r) => r.url() === analytics && r.method() === 'POST', {
      timeout: 25_000,
    });
    await page.evaluate(
      async ({ api, key }) => {
        const w = globalThis as unknown as Json;
        const flagsmith = w.index.createFlagsmithInstance();
        await flagsmith.init({ environmentID: key, api, enableAnalytics: true });
        flagsmith.getValue('f_string');
        flagsmith.getValue('f_string');
        flagsmith.hasFeature('f_int');
      },
      { api: api(), key: scenario.clientKey },
    );
    const request = await posted;
    expect(request.postDataJSON()).toEqual({ f_string: 2, f_int: 1 });
    expect((await request.response())?.status()).toBe(200);
    expect(consoleErrors).toEqual([]);
  });

  it('realtime: an admin change reaches the page over SSE without polling', async () => {
    const identifier = `browser-realtime-${target.name}`;
    await page.evaluate(
      async ({ api, key, identifier, eventSourceUrl }) => {
        const w = globalThis as unknown as Json;
        // Two clients for one identity; only the first listens. Neither polls.
        w.realtimeClient = w.index.createFlagsmithInstance();
        await w.realtimeClient.init({
          environmentID: key,
          api,
          identity: identifier,
          realtime: true,
          eventSourceUrl,
        });
        w.controlClient = w.index.createFlagsmithInstance();
        await w.controlClient.init({ environmentID: key, api, identity: identifier });
      },
      { api: api(), key: scenario.clientKey, identifier, eventSourceUrl: `${scenario.baseUrl}/` },
    );
    const value = (client: 'realtimeClient' | 'controlClient') =>
      page.evaluate((c) => (globalThis as unknown as Json)[c].getValue('f_bool'), client);
    expect(await value('realtimeClient')).toBe(true);
    const state = await scenario.world.defaultState(scenario.clientKey, scenario.features.f_bool.id);
    const changedAt = Date.now();
    await scenario.admin.expect(
      200,
      'PATCH',
      `/api/v1/environments/${scenario.clientKey}/featurestates/${state.id}/`,
      { feature_state_value: 'realtime-value' },
    );
    await eventually(async () => expect(await value('realtimeClient')).toBe('realtime-value'), {
      timeoutMs: 20_000,
    });
    console.info(`[${target.name}] realtime change seen in the browser after ${Date.now() - changedAt} ms`);
    // The change came over the stream: the client that does not listen still has the old value.
    expect(await value('controlClient')).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
