// A generator for environment documents beyond the seed scale.
//
// shared/tools/gen-env-doc.mjs computes its LCG with doubles: `seed * 1103515245` exceeds 2^53, precision is lost,
// and the sequence falls into a cycle of 10,466 draws. Its segment-override loop then cannot find more than about
// 5,000 distinct (segment, feature) pairs and never ends for `--overrides 50000`. This generator draws the same
// kinds of features, conditions, segments, overrides and identity overrides (same value sets, same proportions)
// with the same LCG computed exactly (mod 2^31 with Math.imul), so it reaches any scale.
//
// usage: node gen-env-doc-exact.ts [--features 300] [--segments 4000] [--overrides 50000] [--identity-overrides 2000] [--seed 1] > doc.json

const args = new Map<string, number>();
const argv = process.argv.slice(2);
for (let i = 0; i + 1 < argv.length; i += 2)
  args.set((argv[i] ?? '').replace(/^--/, ''), Number(argv[i + 1]));
const featureCount = args.get('features') ?? 300;
const segmentCount = args.get('segments') ?? 400;
const overrideCount = args.get('overrides') ?? 5000;
const identityOverrideCount = args.get('identity-overrides') ?? 200;
let seed = args.get('seed') ?? 1;

const random = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 2147483648;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const uuid = (): string =>
  'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(random() * 16).toString(16));

interface Feature {
  id: number;
  name: string;
  type: 'MULTIVARIATE' | 'STANDARD';
}

const features: Feature[] = Array.from({ length: featureCount }, (_, i) => ({
  id: i + 1,
  name: `feature_${i + 1}`,
  type: i % 10 === 0 ? 'MULTIVARIATE' : 'STANDARD',
}));
const value = (i: number): string | number | boolean =>
  i % 3 === 0 ? `value-${i}` : i % 3 === 1 ? i : i % 2 === 0;
let stateId = 1;
const featureState = (feature: Feature, enabled: boolean, stateValue: unknown) => ({
  id: stateId++,
  featurestate_uuid: uuid(),
  feature,
  enabled,
  feature_state_value: stateValue,
  feature_segment: null,
  multivariate_feature_state_values:
    feature.type === 'MULTIVARIATE'
      ? [
          {
            id: stateId++,
            mv_fs_value_uuid: uuid(),
            percentage_allocation: 30,
            multivariate_feature_option: { id: stateId++, value: 'variant-a' },
          },
          {
            id: stateId++,
            mv_fs_value_uuid: uuid(),
            percentage_allocation: 30,
            multivariate_feature_option: { id: stateId++, value: 'variant-b' },
          },
        ]
      : [],
});
const conditions: (() => Record<string, unknown>)[] = [
  () => ({ operator: 'EQUAL', property_: 'plan', value: pick(['free', 'pro', 'enterprise']) }),
  () => ({ operator: 'NOT_EQUAL', property_: 'country', value: pick(['GB', 'US', 'DE', 'IN', 'FR']) }),
  () => ({ operator: 'GREATER_THAN', property_: 'age', value: String(Math.floor(random() * 60) + 10) }),
  () => ({ operator: 'LESS_THAN_INCLUSIVE', property_: 'logins', value: String(Math.floor(random() * 500)) }),
  () => ({ operator: 'CONTAINS', property_: 'email', value: pick(['@example.com', '@corp.io', 'test']) }),
  () => ({
    operator: 'REGEX',
    property_: 'email',
    value: pick(['^[a-m].*@example\\.com$', '.*\\+beta@.*', '^user[0-9]{2}@']),
  }),
  () => ({ operator: 'IN', property_: 'country', value: pick(['GB,US', 'DE,FR,IT', 'IN,JP,CN,KR']) }),
  () => ({ operator: 'PERCENTAGE_SPLIT', property_: null, value: String(Math.floor(random() * 100)) }),
  () => ({
    operator: 'GREATER_THAN_INCLUSIVE',
    property_: 'app_version',
    value: pick(['1.2.0:semver', '2.0.0:semver', '3.1.4:semver']),
  }),
  () => ({ operator: 'IS_SET', property_: 'beta_tester', value: null }),
  () => ({ operator: 'MODULO', property_: 'user_id', value: pick(['2|0', '3|1', '10|7']) }),
];
const segments = Array.from({ length: segmentCount }, (_, i) => ({
  id: i + 1,
  name: `segment_${i + 1}`,
  feature_states: [] as unknown[],
  rules: [
    {
      type: 'ALL',
      conditions: [],
      rules: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        type: pick(['ALL', 'ANY', 'ANY', 'NONE']),
        rules: [],
        conditions: Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(conditions)()),
      })),
    },
  ],
}));
const used = new Set<string>();
for (let n = 0; n < Math.min(overrideCount, segmentCount * featureCount); ) {
  const segment = segments[Math.floor(random() * segmentCount)] as (typeof segments)[number];
  const feature = features[Math.floor(random() * featureCount)] as Feature;
  if (used.has(`${segment.id}:${feature.id}`)) continue;
  used.add(`${segment.id}:${feature.id}`);
  n++;
  segment.feature_states.push({ ...featureState(feature, random() < 0.7, value(n)), django_id: stateId });
}
const document = {
  api_key: 'seedScaleEnvKey0000001',
  name: 'Production',
  id: 1,
  project: {
    id: 1,
    name: 'Seed-scale project',
    hide_disabled_flags: false,
    segments,
    organisation: {
      id: 1,
      name: 'Org',
      feature_analytics: false,
      persist_trait_data: true,
      stop_serving_flags: false,
    },
  },
  feature_states: features.map((feature, i) => featureState(feature, random() < 0.5, value(i))),
  identity_overrides: Array.from({ length: identityOverrideCount }, (_, i) => ({
    identifier: `user-${i * 7}`,
    identity_uuid: uuid(),
    created_date: '2026-01-01T00:00:00Z',
    environment_api_key: 'seedScaleEnvKey0000001',
    identity_features: [featureState(features[i % featureCount] as Feature, true, `identity-override-${i}`)],
  })),
  segment_overrides: [],
};
process.stdout.write(JSON.stringify(document));
