import type { EnvironmentDocument } from '@vexil/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachTarget } from '../support/targets.ts';
import {
  compareIdentities,
  eventually,
  expectedFlags,
  generateIdentities,
  mismatches,
  servedDocument,
  settledDocument,
} from './support/expectations.ts';
import { nodeClient, nodeView } from './support/nodejs.ts';
import { buildScenario, FEATURE_NAMES, identityTraits, type Scenario } from './support/scenario.ts';

// flagsmith-nodejs in its default mode: every evaluation is a request (GET flags/, POST identities/).
describeEachTarget('flagsmith-nodejs, remote evaluation', (target) => {
  let scenario: Scenario;
  let doc: EnvironmentDocument;
  beforeAll(async () => {
    scenario = await buildScenario(target);
    doc = await settledDocument(scenario);
  });

  const storedTraits = (identifier: string) => identityTraits(scenario, identifier);

  it('getEnvironmentFlags: the environment defaults, server-key-only features only with a server key', async () => {
    const server = await nodeClient(scenario.baseUrl, scenario.serverKey).getEnvironmentFlags();
    expect(nodeView(server)).toEqual(expectedFlags(doc));
    expect(server.getFeatureValue('f_string')).toBe('hello');
    expect(server.getFeatureValue('f_int')).toBe(42);
    expect(server.isFeatureEnabled('f_int')).toBe(false);
    expect(server.getFeatureValue('f_bool')).toBe(true);
    expect(server.getFeatureValue('f_mv')).toBe('control');
    expect(server.allFlags().find((f) => f.featureName === 'f_string')?.featureId).toBe(
      scenario.features.f_string.id,
    );

    const client = await nodeClient(scenario.baseUrl, scenario.clientKey).getEnvironmentFlags();
    expect(nodeView(client)).toEqual(expectedFlags(doc, undefined, { clientKey: true }));
    expect(Object.keys(nodeView(client))).not.toContain('f_server_only');
  });

  it('getIdentityFlags: 150 generated identities with traits get exactly what the engine gives', async () => {
    const sdk = nodeClient(scenario.baseUrl, scenario.serverKey);
    const identities = generateIdentities(150, 1001, { prefix: `remote-${target.name}` });
    const rows = await compareIdentities(doc, identities, async (id, traits) =>
      nodeView(await sdk.getIdentityFlags(id, traits)),
    );
    expect(mismatches(rows)).toEqual([]);
    // The data really exercises the segments: several distinct answers for f_string and f_int.
    expect(new Set(rows.map((r) => r.actual.f_string?.value)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((r) => r.actual.f_int?.value)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((r) => r.actual.f_mv?.value))).toEqual(
      new Set(['control', 'variant-a', 7, 'no-legacy']),
    );
  });

  it('getIdentityFlags with the client key: same flags minus server-key-only features', async () => {
    const sdk = nodeClient(scenario.baseUrl, scenario.clientKey);
    const identities = generateIdentities(40, 1002, { prefix: `client-${target.name}` });
    const rows = await compareIdentities(
      doc,
      identities,
      async (id, traits) => nodeView(await sdk.getIdentityFlags(id, traits)),
      { clientKey: true },
    );
    expect(mismatches(rows)).toEqual([]);
  });

  it('uses stored traits and identity overrides of existing identities', async () => {
    const sdk = nodeClient(scenario.baseUrl, scenario.serverKey);
    for (const { identifier, traits } of scenario.storedIdentities) {
      const actual = nodeView(await sdk.getIdentityFlags(identifier));
      expect(actual, identifier).toEqual(expectedFlags(doc, { identifier, traits }));
    }
    for (const { identifier, value } of scenario.overriddenIdentities) {
      const flags = await sdk.getIdentityFlags(identifier);
      expect(nodeView(flags), identifier).toEqual(expectedFlags(doc, { identifier }));
      expect(flags.getFeatureValue('f_string')).toBe(value);
    }
  });

  it('persists traits, except transient identities and transient traits', async () => {
    const sdk = nodeClient(scenario.baseUrl, scenario.serverKey);
    const stamp = `${target.name}-${Date.now()}`;
    const transient = await sdk.getIdentityFlags(`transient-${stamp}`, { plan: 'beta' }, true);
    expect(transient.getFeatureValue('f_string')).toBe('beta-value');
    const mixed = await sdk.getIdentityFlags(`mixed-${stamp}`, {
      plan: { value: 'beta', transient: true },
      age: 30,
    });
    expect(mixed.getFeatureValue('f_string')).toBe('beta-value');
    const persisted = await sdk.getIdentityFlags(`persisted-${stamp}`, { plan: 'beta', age: 30 });
    expect(persisted.getFeatureValue('f_string')).toBe('beta-value');

    // Vexil queues identity writes (docs/sdk-api.md), in order: once the last one shows, the earlier ones would too.
    await eventually(async () =>
      expect(await storedTraits(`persisted-${stamp}`)).toEqual({ plan: 'beta', age: 30 }),
    );
    expect(await storedTraits(`mixed-${stamp}`)).toEqual({ age: 30 });
    expect(await storedTraits(`transient-${stamp}`)).toBeUndefined();

    // Stored traits count in later evaluations without traits; a null value deletes the trait.
    expect((await sdk.getIdentityFlags(`persisted-${stamp}`)).getFeatureValue('f_string')).toBe('beta-value');
    const deleted = await sdk.getIdentityFlags(`persisted-${stamp}`, { plan: null });
    expect(deleted.getFeatureValue('f_string')).toBe('hello');
    await eventually(async () => expect(await storedTraits(`persisted-${stamp}`)).toEqual({ age: 30 }));
    expect((await sdk.getIdentityFlags(`persisted-${stamp}`)).getFeatureValue('f_string')).toBe('hello');
  });

  it('300 identities evaluated 30 at a time agree with our engine', async () => {
    const sdk = nodeClient(scenario.baseUrl, scenario.serverKey);
    const identities = generateIdentities(300, 1004, { prefix: `parallel-${target.name}` });
    const rows = [];
    for (let i = 0; i < identities.length; i += 30) {
      const batch = identities.slice(i, i + 30);
      rows.push(
        ...(await Promise.all(
          batch.map(async ({ identifier, traits }) => ({
            identifier,
            traits,
            actual: nodeView(await sdk.getIdentityFlags(identifier, traits)),
            expected: expectedFlags(doc, { identifier, traits }),
          })),
        )),
      );
    }
    expect(mismatches(rows)).toEqual([]);
  });

  it('hide_disabled_flags: disabled flags are left out of remote answers', async () => {
    const env = await scenario.world.environment(scenario.project.id, { hide_disabled_flags: true });
    const keys = `/api/v1/environments/${env.api_key}/api-keys/`;
    const serverKey = (await scenario.admin.expect(201, 'POST', keys, { name: 'k' })).key;
    const hidden = await servedDocument(
      scenario.baseUrl,
      serverKey,
      (d) => d.hide_disabled_flags === true && d.feature_states.length === FEATURE_NAMES.length,
    );
    for (const [key, clientKey] of [
      [serverKey, false],
      [env.api_key, true],
    ] as const) {
      const sdk = nodeClient(scenario.baseUrl, key);
      const flags = nodeView(await sdk.getEnvironmentFlags());
      expect(flags).toEqual(expectedFlags(hidden, undefined, { clientKey }));
      expect(Object.keys(flags)).not.toContain('f_int');
      const identities = generateIdentities(30, 1003, { prefix: `hidden-${clientKey}-${target.name}` });
      const rows = await compareIdentities(
        hidden,
        identities,
        async (id, traits) => nodeView(await sdk.getIdentityFlags(id, traits)),
        { clientKey },
      );
      expect(mismatches(rows)).toEqual([]);
    }
  });

  describe('errors', () => {
    const handler = (name: string) => ({ enabled: true, value: `default-${name}`, isDefault: true as const });

    it('an unknown key: the default flag handler answers, and without one the call throws', async () => {
      const bad = nodeClient(scenario.baseUrl, 'not-a-key', { defaultFlagHandler: handler });
      const env = await bad.getEnvironmentFlags();
      expect(env.getFlag('f_string')).toEqual({ enabled: true, value: 'default-f_string', isDefault: true });
      const id = await bad.getIdentityFlags('someone', { plan: 'beta' });
      expect(id.getFeatureValue('f_string')).toBe('default-f_string');

      const strict = nodeClient(scenario.baseUrl, 'not-a-key');
      await expect(strict.getEnvironmentFlags()).rejects.toThrow('getEnvironmentFlags failed');
      const error = await strict.getIdentityFlags('someone').catch((e: Error) => e);
      expect(String((error as Error & { cause?: Error }).cause)).toContain('Response status code: 403');
    });

    it('an unreachable server: the default flag handler answers', async () => {
      const down = nodeClient('http://127.0.0.1:9', scenario.serverKey, { defaultFlagHandler: handler });
      expect((await down.getEnvironmentFlags()).getFeatureValue('f_int')).toBe('default-f_int');
    });

    it('a feature the environment does not have: the handler, or a disabled default', async () => {
      const withHandler = nodeClient(scenario.baseUrl, scenario.serverKey, { defaultFlagHandler: handler });
      expect((await withHandler.getEnvironmentFlags()).getFeatureValue('nope')).toBe('default-nope');
      const plain = await nodeClient(scenario.baseUrl, scenario.serverKey).getIdentityFlags('x', {});
      expect(plain.getFlag('nope')).toEqual({ enabled: false, isDefault: true, value: undefined });
    });
  });
});
