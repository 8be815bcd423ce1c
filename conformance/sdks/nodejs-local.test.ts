import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  compileEnvironment,
  type EnvironmentDocument,
  IDENTITY_OVERRIDES_SEGMENT_NAME,
  IDENTITY_OVERRIDES_SOURCE,
} from '@vexil/engine';
import { Flagsmith, LocalFileHandler } from 'flagsmith-nodejs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';
import {
  compareIdentities,
  eventually,
  expectedFlags,
  generateIdentities,
  mismatches,
  settledDocument,
} from './support/expectations.ts';
import { nodeClient, nodeView } from './support/nodejs.ts';
import { buildScenario, type Scenario } from './support/scenario.ts';

const REFRESH_SECONDS = 1;

// flagsmith-nodejs with enableLocalEvaluation: it downloads GET environment-document/ and evaluates with its own
// engine; our engine on the same document must agree, and admin changes must reach it by polling.
describeEachTarget('flagsmith-nodejs, local evaluation', (target) => {
  let scenario: Scenario;
  let doc: EnvironmentDocument;
  let sdk: ReturnType<typeof nodeClient>;
  const changes: (Error | null)[] = [];
  beforeAll(async () => {
    scenario = await buildScenario(target);
    doc = await settledDocument(scenario);
    sdk = nodeClient(scenario.baseUrl, scenario.serverKey, {
      enableLocalEvaluation: true,
      environmentRefreshIntervalSeconds: REFRESH_SECONDS,
      onEnvironmentChange: (error) => changes.push(error),
    });
  });
  afterAll(async () => {
    await sdk?.close();
  });

  it('refuses a client-side key, as the SDK requires', () => {
    expect(() => nodeClient(scenario.baseUrl, scenario.clientKey, { enableLocalEvaluation: true })).toThrow(
      'Using local evaluation requires a server-side environment key',
    );
  });

  it('getEnvironmentFlags from the document equals our engine (all features, no key filtering)', async () => {
    expect(nodeView(await sdk.getEnvironmentFlags())).toEqual(expectedFlags(doc));
  });

  it('getIdentityFlags: 1000 generated identities agree with our engine on the same document', async () => {
    const identities = generateIdentities(1000, 2001, { prefix: `local-${target.name}` });
    const rows = await compareIdentities(doc, identities, async (id, traits) =>
      nodeView(await sdk.getIdentityFlags(id, traits)),
    );
    expect(mismatches(rows)).toEqual([]);
    expect(new Set(rows.map((r) => r.actual.f_mv?.value))).toEqual(
      new Set(['control', 'variant-a', 7, 'no-legacy']),
    );
  });

  it('identity overrides in the document apply to their identities', async () => {
    const rows = [];
    const traitsFor = generateIdentities(scenario.overriddenIdentities.length, 2002, { truthy: true });
    for (const [i, { identifier, value }] of scenario.overriddenIdentities.entries()) {
      const traits = traitsFor[i]?.traits ?? {};
      const flags = await sdk.getIdentityFlags(identifier, traits);
      expect(flags.getFeatureValue('f_string')).toBe(value);
      rows.push({
        identifier,
        traits,
        actual: nodeView(flags),
        expected: expectedFlags(doc, { identifier, traits }),
      });
    }
    expect(mismatches(rows)).toEqual([]);
  });

  it('getIdentitySegments names the segments our engine matches', async () => {
    const compiled = compileEnvironment(doc);
    const rows = [];
    for (const { identifier, traits } of generateIdentities(300, 2003, { prefix: `seg-${target.name}` })) {
      const actual = (await sdk.getIdentitySegments(identifier, traits)).map((s) => s.name).sort();
      const expected = compiled
        .evaluate({ identifier, traits })
        .segments.filter(
          (s) =>
            s.name !== IDENTITY_OVERRIDES_SEGMENT_NAME && s.metadata?.source !== IDENTITY_OVERRIDES_SOURCE,
        )
        .map((s) => s.name)
        .sort();
      rows.push({ identifier, actual, expected });
    }
    expect(rows.filter((r) => JSON.stringify(r.actual) !== JSON.stringify(r.expected))).toEqual([]);
    expect(new Set(rows.flatMap((r) => r.actual)).size).toBe(7);
  });

  it('offline mode: a saved copy of the served document evaluates the same (LocalFileHandler)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-sdkconf-'));
    try {
      const file = path.join(dir, 'environment.json');
      fs.writeFileSync(file, JSON.stringify(doc));
      const offline = new Flagsmith({ offlineMode: true, offlineHandler: new LocalFileHandler(file) });
      expect(nodeView(await offline.getEnvironmentFlags())).toEqual(expectedFlags(doc));
      const identities = generateIdentities(200, 2005, { prefix: `offline-${target.name}` });
      const rows = await compareIdentities(doc, identities, async (id, traits) =>
        nodeView(await offline.getIdentityFlags(id, traits)),
      );
      expect(mismatches(rows)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees an admin change within the polling interval after the document is rebuilt', async () => {
    const state = await scenario.world.defaultState(scenario.clientKey, scenario.features.f_string.id);
    const changedAt = Date.now();
    await scenario.admin.expect(
      200,
      'PATCH',
      `/api/v1/environments/${scenario.clientKey}/featurestates/${state.id}/`,
      {
        feature_state_value: 'changed',
        enabled: false,
      },
    );
    // First the server: the served document changes (the pipeline's latency, not the SDK's).
    const changed = await settledDocument(scenario, (d: Json) =>
      d.feature_states.some(
        (fs: Json) => fs.feature.name === 'f_string' && fs.feature_state_value === 'changed',
      ),
    );
    const servedAfterMs = Date.now() - changedAt;
    // Then the SDK: at most one polling interval later (plus a request), it evaluates the new document.
    const seen = await eventually(
      async () => {
        const flags = await sdk.getEnvironmentFlags();
        expect(flags.getFlag('f_string')).toMatchObject({ enabled: false, value: 'changed' });
        return Date.now();
      },
      // One interval, plus room for the request on a loaded machine.
      { timeoutMs: REFRESH_SECONDS * 1000 + 3_000, intervalMs: 50 },
    );
    console.info(
      `[${target.name}] change served after ${servedAfterMs} ms, seen by flagsmith-nodejs after ${seen - changedAt} ms`,
    );
    const after = generateIdentities(200, 2004, { prefix: `after-${target.name}` });
    const rows = await compareIdentities(changed, after, async (id, traits) =>
      nodeView(await sdk.getIdentityFlags(id, traits)),
    );
    expect(mismatches(rows)).toEqual([]);

    // A segment's rules change: `pro` joins `beta` (the override of f_string follows the segment).
    expect((await sdk.getIdentityFlags('pro-user', { plan: 'pro' })).getFeatureValue('f_string')).toBe(
      'changed',
    );
    const beta = scenario.segments.beta;
    await scenario.admin.expect(200, 'PUT', `/api/v1/projects/${scenario.project.id}/segments/${beta.id}/`, {
      name: beta.name,
      rules: [
        {
          type: 'ALL',
          rules: [
            {
              type: 'ANY',
              conditions: [
                { operator: 'EQUAL', property: 'plan', value: 'beta' },
                { operator: 'EQUAL', property: 'plan', value: 'pro' },
              ],
            },
          ],
        },
      ],
    });
    await eventually(
      async () => {
        const flags = await sdk.getIdentityFlags('pro-user', { plan: 'pro' });
        expect(flags.getFeatureValue('f_string')).toBe('beta-value');
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((e) => e === null)).toBe(true);
  });
});
