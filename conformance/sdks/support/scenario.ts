import type { Api } from '../../support/client.ts';
import { World } from '../../support/fixtures.ts';
import type { Json } from '../../support/json.ts';
import type { Target } from '../../support/targets.ts';

/**
 * One environment built through the admin API with every kind of data the SDKs evaluate: typed values, a
 * multivariate feature, a server-key-only and a disabled feature, segments over many operators (nested rules,
 * percentage split, regex, SemVer, IS_NOT_SET, IN, MODULO), prioritised segment overrides and identity overrides.
 * Feature names are lower case because the JS client lower-cases the names it keeps.
 */
export interface Scenario {
  world: World;
  admin: Api;
  baseUrl: string;
  project: Json;
  environment: Json;
  /** The client-side key (`environment.api_key`). */
  clientKey: string;
  /** A server-side key (`ser.…`). */
  serverKey: string;
  features: Record<FeatureName, Json>;
  /** The segments by name (beta, adults_eu, half, staff, new_app, no_legacy, even_score). */
  segments: Record<string, Json>;
  /** Identifiers that have identity overrides, and what `f_string` is overridden to for each. */
  overriddenIdentities: { identifier: string; value: string }[];
  /** How many segment overrides the environment has. */
  segmentOverrides: number;
  /** Identifiers created through the admin API with stored traits (and no identity overrides). */
  storedIdentities: { identifier: string; traits: Record<string, string | number | boolean> }[];
}

export const FEATURE_NAMES = ['f_string', 'f_int', 'f_bool', 'f_mv', 'f_server_only', 'f_off'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

type Condition = { operator: string; property: string; value: string };
const all = (...conditions: Condition[]) => [{ type: 'ALL', rules: [{ type: 'ALL', conditions }] }];
const any = (...conditions: Condition[]) => [{ type: 'ALL', rules: [{ type: 'ANY', conditions }] }];

const SEGMENTS: Record<string, Json[]> = {
  beta: any({ operator: 'EQUAL', property: 'plan', value: 'beta' }),
  adults_eu: all(
    { operator: 'GREATER_THAN_INCLUSIVE', property: 'age', value: '18' },
    { operator: 'IN', property: 'country', value: 'fr,de' },
  ),
  half: all({ operator: 'PERCENTAGE_SPLIT', property: '', value: '50' }),
  staff: all({ operator: 'REGEX', property: 'email', value: '.*@example\\.com' }),
  new_app: all({ operator: 'GREATER_THAN', property: 'version', value: '2.0.0:semver' }),
  no_legacy: [
    {
      type: 'ALL',
      rules: [
        { type: 'ALL', conditions: [{ operator: 'IS_NOT_SET', property: 'legacy', value: '' }] },
        { type: 'NONE', conditions: [{ operator: 'EQUAL', property: 'plan', value: 'free' }] },
      ],
    },
  ],
  even_score: all({ operator: 'MODULO', property: 'score', value: '2|0' }),
};

export async function buildScenario(target: Target): Promise<Scenario> {
  const world = await World.connect(target);
  const admin = world.admin;
  const project = await world.project();
  const environment = await world.environment(project.id);
  const clientKey: string = environment.api_key;
  const serverKey: string = (
    await admin.expect(201, 'POST', `/api/v1/environments/${clientKey}/api-keys/`, {
      name: 'sdk-conformance',
    })
  ).key;

  const pid = project.id;
  const features = {} as Record<FeatureName, Json>;
  features.f_string = await world.feature(pid, {
    name: 'f_string',
    initial_value: 'hello',
    default_enabled: true,
  });
  features.f_int = await world.feature(pid, { name: 'f_int', initial_value: '42', default_enabled: false });
  features.f_bool = await world.feature(pid, {
    name: 'f_bool',
    initial_value: 'true',
    default_enabled: true,
  });
  features.f_mv = await world.feature(pid, {
    name: 'f_mv',
    initial_value: 'control',
    default_enabled: true,
    multivariate_options: [
      { type: 'unicode', string_value: 'variant-a', default_percentage_allocation: 30 },
      { type: 'int', integer_value: 7, default_percentage_allocation: 20 },
    ],
  });
  features.f_server_only = await world.feature(pid, {
    name: 'f_server_only',
    initial_value: 'secret',
    default_enabled: true,
    is_server_key_only: true,
  });
  features.f_off = await world.feature(pid, { name: 'f_off', initial_value: 'off', default_enabled: false });

  const segments: Record<string, Json> = {};
  for (const [name, rules] of Object.entries(SEGMENTS)) {
    segments[name] = await world.segment(pid, { name, rules });
  }

  // Segment overrides, several per feature so priority decides.
  let segmentOverrides = 0;
  const override = (feature: FeatureName, segment: string, enabled: boolean, value: unknown) => {
    segmentOverrides++;
    return admin.expect(
      201,
      'POST',
      `/api/v1/environments/${clientKey}/features/${features[feature].id}/create-segment-override/`,
      { feature_segment: { segment: segments[segment].id }, enabled, feature_state_value: value },
    );
  };
  await override('f_string', 'beta', true, 'beta-value');
  await override('f_string', 'adults_eu', true, 'eu-value');
  await override('f_string', 'staff', false, 'staff-value');
  await override('f_int', 'half', true, 7);
  await override('f_int', 'even_score', true, 1000);
  await override('f_bool', 'new_app', true, false);
  await override('f_mv', 'no_legacy', true, 'no-legacy');
  await override('f_off', 'staff', true, 'on-for-staff');
  await override('f_server_only', 'beta', false, 'beta-secret');

  // Identity overrides (on standard features only: flagsmith-nodejs re-splits multivariate identity overrides).
  const identities = `/api/v1/environments/${clientKey}/identities/`;
  const overriddenIdentities: Scenario['overriddenIdentities'] = [];
  for (let i = 0; i < 3; i++) {
    const identifier = `overridden-${i}`;
    const identity = await admin.expect(201, 'POST', identities, { identifier });
    const value = `identity-value-${i}`;
    await admin.expect(201, 'POST', `${identities}${identity.id}/featurestates/`, {
      feature: features.f_string.id,
      enabled: i !== 1,
      feature_state_value: value,
    });
    await admin.expect(201, 'POST', `${identities}${identity.id}/featurestates/`, {
      feature: features.f_int.id,
      enabled: true,
      feature_state_value: 100 + i,
    });
    overriddenIdentities.push({ identifier, value });
  }

  // Identities whose stored traits put them in segments: remote evaluation must use them.
  const storedIdentities: Scenario['storedIdentities'] = [];
  const storedTraits: Record<string, string | number | boolean>[] = [
    { plan: 'beta' },
    { email: 'ann@example.com', age: 30, country: 'fr' },
  ];
  for (const [i, traits] of storedTraits.entries()) {
    const identifier = `stored-${i}`;
    const identity = await admin.expect(201, 'POST', identities, { identifier });
    for (const [trait_key, trait_value] of Object.entries(traits)) {
      await admin.expect(201, 'POST', `${identities}${identity.id}/traits/`, { trait_key, trait_value });
    }
    storedIdentities.push({ identifier, traits });
  }

  return {
    world,
    admin,
    baseUrl: target.baseUrl,
    project,
    environment,
    clientKey,
    serverKey,
    features,
    segments,
    overriddenIdentities,
    segmentOverrides,
    storedIdentities,
  };
}

/** The stored traits of an identity as the admin API shows them, or undefined when the identity does not exist. */
export async function identityTraits(
  scenario: Scenario,
  identifier: string,
): Promise<Record<string, unknown> | undefined> {
  const base = `/api/v1/environments/${scenario.clientKey}/identities/`;
  const page = await scenario.admin.expect(200, 'GET', `${base}?q=${encodeURIComponent(identifier)}`);
  const identity = page.results.find((i: Json) => i.identifier === identifier);
  if (!identity) return undefined;
  const traits = await scenario.admin.expect(200, 'GET', `${base}${identity.id}/traits/`);
  return Object.fromEntries(traits.map((t: Json) => [t.trait_key, t.trait_value]));
}
