import fc from 'fast-check';
import type { EnvironmentDocument, IdentityInput } from '../../src/index.ts';

// fast-check generators for environment documents and identities that reach every engine path: all operators and
// odd ones, numeric-looking strings, SemVer, regexes, JSONPath properties, nested rules of every type, priority
// ties and nulls, multivariate splits keyed by ids or UUIDs, identity overrides, and explicit identity keys.

const traitKeys = [
  'plan',
  'age',
  'country',
  'email',
  'version',
  'score',
  'flag',
  'id',
  '$.identity.identifier',
];
const featureNames = ['alpha', 'beta', 'gamma', 'delta', '123', 'mv'];
const identifiers = ['user-1', 'user-2', '007', '42', 'a,b', 'user-3'];

const scalar = fc.oneof(
  fc.constantFrom(
    'pro',
    'free',
    'GB',
    '35',
    '007',
    '1.50',
    '35.0',
    '-3',
    '1.2.3',
    '2.0.0-rc.1',
    'user@example.com',
    '',
  ),
  fc.integer({ min: -5, max: 100 }),
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);

const property = fc.constantFrom(
  ...traitKeys,
  '$.identity.identifier',
  '$.identity.key',
  '$.environment.name',
  '$.identity.traits.plan',
  "$.identity.traits['age']",
  '$..plan',
  '$.identity.traits[?@ == "pro"]',
  '$.features.alpha.value',
  '$.a-b',
  '',
  null,
);

const conditionValue = fc.oneof(
  fc.constantFrom(
    'pro',
    'GB,US',
    '["pro","free"]',
    '[1, 2]',
    '35',
    '35.0',
    '10',
    '1.5',
    'True',
    'false',
    '0',
  ),
  fc.constantFrom(
    '1.2.3:semver',
    '2.0.0-rc.1:semver',
    '1.0:semver',
    '[a-m].*',
    '.*@example\\.com',
    '[',
    '\\d+',
  ),
  fc.constantFrom('4|3', '2|0', '0|0', 'x|y', '50', '0', '100', '33.3', 'user-1,007', ''),
  fc.constant(null),
  fc.array(fc.constantFrom('user-1', '42', 'pro'), { maxLength: 3 }),
);

const operator = fc.constantFrom(
  'EQUAL',
  'NOT_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_INCLUSIVE',
  'LESS_THAN',
  'LESS_THAN_INCLUSIVE',
  'CONTAINS',
  'NOT_CONTAINS',
  'REGEX',
  'PERCENTAGE_SPLIT',
  'MODULO',
  'IS_SET',
  'IS_NOT_SET',
  'IN',
  'STARTS_WITH',
);

const condition = fc.record({ operator, property_: property, value: conditionValue });

const ruleType = fc.constantFrom('ALL', 'ANY', 'NONE', 'ALL', 'ANY', 'SOME');

const rule: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  rule: fc.record({
    type: ruleType,
    conditions: fc.array(condition, { maxLength: 3 }),
    rules: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant([]),
      fc.array(tie('rule'), { maxLength: 2 }),
    ),
  }),
})).rule;

const uuid = fc.uuid();

const multivariateValue = fc.record({
  id: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(null)),
  mv_fs_value_uuid: uuid,
  percentage_allocation: fc.constantFrom(0, 10, 25, 30, 33.3, 50, 100),
  multivariate_feature_option: fc.record({
    value: scalar,
    key: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.constant(null)),
  }),
});

function featureState(withPriority: boolean) {
  return fc.record({
    feature: fc.record({ id: fc.integer({ min: 1, max: 9 }), name: fc.constantFrom(...featureNames) }),
    enabled: fc.boolean(),
    django_id: fc.oneof(fc.integer({ min: 1, max: 999 }), fc.constant(null)),
    featurestate_uuid: uuid,
    feature_state_value: scalar,
    feature_segment: withPriority
      ? fc.oneof(
          fc.record({ priority: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null)) }),
          fc.constant(null),
        )
      : fc.constant(null),
    multivariate_feature_state_values: fc.oneof(
      fc.constant([]),
      fc.array(multivariateValue, { maxLength: 3 }),
    ),
  });
}

const segment = fc.record({
  id: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constantFrom('s-a', 's-b')),
  name: fc.constantFrom('seg-a', 'seg-b', 'seg-c', 'seg-d'),
  rules: fc.oneof(fc.array(rule, { maxLength: 3 }), fc.constant([])),
  feature_states: fc.array(featureState(true), { maxLength: 3 }),
});

const identityOverride = fc.record({
  identifier: fc.constantFrom(...identifiers),
  identity_features: fc.array(featureState(false), { maxLength: 2 }),
});

/** An environment document. */
export const environmentDocument: fc.Arbitrary<EnvironmentDocument> = fc.record({
  api_key: fc.constantFrom('envKey', 'n9fbf9h3v4fFgH3U3ngWhb'),
  name: fc.constantFrom('Production', 'QA'),
  feature_states: fc.array(featureState(false), { maxLength: 6 }),
  project: fc.record({ segments: fc.array(segment, { maxLength: 10 }) }),
  identity_overrides: fc.array(identityOverride, { maxLength: 3 }),
}) as fc.Arbitrary<EnvironmentDocument>;

/** An identity to evaluate. */
export const identity: fc.Arbitrary<IdentityInput> = fc.record(
  {
    identifier: fc.constantFrom(...identifiers),
    traits: fc.dictionary(fc.constantFrom(...traitKeys), scalar, { maxKeys: 6 }),
    key: fc.constantFrom('custom-key', ''),
  },
  { requiredKeys: ['identifier'] },
);
