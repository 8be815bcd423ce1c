import type { EnvironmentDocument } from '@vexil/engine';
import { createFlagsmithInstance } from 'flagsmith/isomorphic';
import { beforeAll, expect, it } from 'vitest';
import { describeEachTarget } from '../support/targets.ts';
import {
  compareIdentities,
  eventually,
  expectedFlags,
  generateIdentities,
  mismatches,
  settledDocument,
  type Traits,
} from './support/expectations.ts';
import { type JsFlags, jsView } from './support/js-client.ts';
import { buildScenario, identityTraits, type Scenario } from './support/scenario.ts';

// The JavaScript client SDK (`flagsmith`) as server-side rendering uses it: in Node, with Node's fetch, client key.
describeEachTarget('flagsmith (JS client) in Node', (target) => {
  let scenario: Scenario;
  let doc: EnvironmentDocument;
  beforeAll(async () => {
    scenario = await buildScenario(target);
    doc = await settledDocument(scenario);
  });

  const client = async (identity?: { identifier: string; traits?: Traits }) => {
    const flagsmith = createFlagsmithInstance();
    await flagsmith.init({
      environmentID: scenario.clientKey,
      api: `${scenario.baseUrl}/api/v1/`,
      fetch: globalThis.fetch,
      ...(identity ? { identity: identity.identifier, traits: identity.traits } : {}),
    });
    return flagsmith;
  };

  it('init without identity: the environment flags for a client key (GET flags/)', async () => {
    const flagsmith = await client();
    expect(jsView(flagsmith.getAllFlags() as JsFlags)).toEqual(
      expectedFlags(doc, undefined, { clientKey: true }),
    );
    expect(flagsmith.getValue('f_int')).toBe(42);
    expect(flagsmith.hasFeature('f_int')).toBe(false);
  });

  it('init with identity and traits: 100 generated identities agree with our engine (POST identities/)', async () => {
    const identities = generateIdentities(100, 3001, { prefix: `js-${target.name}` });
    const rows = await compareIdentities(
      doc,
      identities,
      async (identifier, traits) => jsView((await client({ identifier, traits })).getAllFlags() as JsFlags),
      { clientKey: true },
    );
    expect(mismatches(rows)).toEqual([]);
  });

  it('identity without traits (GET identities/?identifier=) uses stored traits and overrides', async () => {
    for (const { identifier, traits } of scenario.storedIdentities) {
      const flagsmith = await client({ identifier });
      expect(jsView(flagsmith.getAllFlags() as JsFlags), identifier).toEqual(
        expectedFlags(doc, { identifier, traits }, { clientKey: true }),
      );
    }
    for (const { identifier, value } of scenario.overriddenIdentities) {
      const flagsmith = await client({ identifier });
      expect(flagsmith.getValue('f_string')).toBe(value);
    }
  });

  it('identify then setTraits re-evaluates with the new traits and returns them', async () => {
    const flagsmith = await client();
    const identifier = `js-traits-${target.name}-${Date.now()}`;
    await flagsmith.identify(identifier);
    expect(flagsmith.getValue('f_string')).toBe('hello');
    await flagsmith.setTraits({ plan: 'beta', age: 20 });
    expect(flagsmith.getValue('f_string')).toBe('beta-value');
    expect(flagsmith.getAllTraits()).toMatchObject({ plan: 'beta', age: 20 });
  });

  it('transient identities and traits (evaluationContext) are evaluated but not stored', async () => {
    const stamp = `${target.name}-${Date.now()}`;
    const init = async (identity: Record<string, unknown>) => {
      const flagsmith = createFlagsmithInstance();
      await flagsmith.init({
        api: `${scenario.baseUrl}/api/v1/`,
        fetch: globalThis.fetch,
        evaluationContext: { environment: { apiKey: scenario.clientKey }, identity },
      });
      return flagsmith;
    };
    // No traits: GET identities/?identifier=…&transient=true.
    await init({ identifier: `js-transient-${stamp}`, transient: true });
    // Traits: POST identities/ with "transient": true, and a transient trait on a stored identity.
    const all = await init({
      identifier: `js-all-transient-${stamp}`,
      transient: true,
      traits: { plan: { value: 'beta' } },
    });
    expect(all.getValue('f_string')).toBe('beta-value');
    const one = await init({
      identifier: `js-one-transient-${stamp}`,
      traits: { plan: { value: 'beta', transient: true }, age: { value: 30 } },
    });
    expect(one.getValue('f_string')).toBe('beta-value');
    // Identity writes are queued in order: once the last shows, the earlier ones would have too.
    await eventually(async () =>
      expect(await identityTraits(scenario, `js-one-transient-${stamp}`)).toEqual({ age: 30 }),
    );
    expect(await identityTraits(scenario, `js-all-transient-${stamp}`)).toBeUndefined();
    expect(await identityTraits(scenario, `js-transient-${stamp}`)).toBeUndefined();
  });
});
