import { describe, expect, it } from 'vitest';
import {
  compileContext,
  compileEnvironment,
  type EnvironmentDocument,
  environmentDocumentToContext,
  getEvaluationResult,
} from '../src/index.ts';

// The minimal document of spec §2.1, with one identity override and a multivariate feature.
const document = {
  id: 12,
  api_key: 'n9fbf9h3v4fFgH3U3ngWhb',
  name: 'Production',
  project: {
    id: 3,
    name: 'Web',
    segments: [
      {
        id: 16,
        name: 'beta',
        rules: [
          {
            type: 'ALL',
            conditions: [],
            rules: [
              {
                type: 'ANY',
                rules: [],
                conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'beta' }],
              },
            ],
          },
        ],
        feature_states: [
          {
            feature: { id: 15058, name: 'string_feature', type: 'STANDARD' },
            enabled: false,
            django_id: 81027,
            feature_segment: { priority: 0 },
            featurestate_uuid: 'dd77a1ab-08cf-4743-8a3b-19e730444a14',
            feature_state_value: 'segment_override',
            multivariate_feature_state_values: [],
          },
        ],
      },
    ],
  },
  feature_states: [
    {
      feature: { id: 15062, name: 'mv_feature', type: 'MULTIVARIATE' },
      enabled: true,
      django_id: 78986,
      feature_segment: null,
      featurestate_uuid: '96fc3503-09d7-48f1-a83b-2dc903d5c08a',
      feature_state_value: 'foo',
      multivariate_feature_state_values: [
        {
          multivariate_feature_option: { value: 'bar', id: 7, key: 'variant_bar' },
          percentage_allocation: 30.0,
          id: 3402,
          mv_fs_value_uuid: '42d5cdf9-8ec9-4b8d-a3ca-fd43c64d5f05',
        },
      ],
    },
    {
      feature: { id: 15058, name: 'string_feature', type: 'STANDARD' },
      enabled: true,
      django_id: null,
      featurestate_uuid: '11111111-2222-4333-8444-555555555555',
      feature_state_value: 'foo',
    },
  ],
  identity_overrides: [
    {
      identifier: 'overridden-id',
      identity_features: [
        {
          feature: { id: 15058, name: 'string_feature', type: 'STANDARD' },
          enabled: false,
          django_id: 90001,
          featurestate_uuid: '1bddb9a5-7e59-42c6-9be9-625fa369749f',
          feature_state_value: 'some-overridden-value',
          multivariate_feature_state_values: [],
        },
      ],
    },
  ],
} satisfies EnvironmentDocument;

describe('environmentDocumentToContext (spec §2.3)', () => {
  const context = environmentDocumentToContext(document, {
    identifier: 'user-123',
    traits: { plan: 'beta' },
  });

  it('maps the environment, features and their keys, metadata and variants', () => {
    expect(context.environment).toEqual({ key: 'n9fbf9h3v4fFgH3U3ngWhb', name: 'Production' });
    expect(context.features?.mv_feature).toEqual({
      key: '78986',
      name: 'mv_feature',
      enabled: true,
      value: 'foo',
      variants: [{ value: 'bar', weight: 30, priority: 3402, key: 'variant_bar' }],
      metadata: { id: 15062 },
    });
    // no django_id: the feature state UUID is the key
    expect(context.features?.string_feature?.key).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('maps segments: id as key, property_ as property, overrides with priority, metadata {source, id}', () => {
    expect(context.segments?.['16']).toEqual({
      key: '16',
      name: 'beta',
      rules: [
        {
          type: 'ALL',
          conditions: [],
          rules: [
            { type: 'ANY', rules: [], conditions: [{ operator: 'EQUAL', property: 'plan', value: 'beta' }] },
          ],
        },
      ],
      overrides: [
        {
          key: '81027',
          name: 'string_feature',
          enabled: false,
          value: 'segment_override',
          priority: 0,
          metadata: { id: 15058 },
        },
      ],
      metadata: { source: 'api', id: 16 },
    });
  });

  it('maps identity overrides to an identity_overrides segment: IN over identifiers, priority -Infinity', () => {
    const synthetic = Object.values(context.segments ?? {}).filter((s) => s.name === 'identity_overrides');
    expect(synthetic).toEqual([
      {
        key: '',
        name: 'identity_overrides',
        rules: [
          {
            type: 'ALL',
            conditions: [{ property: '$.identity.identifier', operator: 'IN', value: ['overridden-id'] }],
          },
        ],
        overrides: [
          {
            key: '',
            name: 'string_feature',
            enabled: false,
            value: 'some-overridden-value',
            priority: Number.NEGATIVE_INFINITY,
            metadata: { id: 15058 },
          },
        ],
        metadata: { source: 'identity_overrides' },
      },
    ]);
    // API segments (integer-like keys) iterate first, identity-override segments after them
    expect(Object.keys(context.segments ?? {})[0]).toBe('16');
  });

  it('puts the identity in without a key (the engine derives it) unless one is given', () => {
    expect(context.identity).toEqual({ identifier: 'user-123', traits: { plan: 'beta' } });
    expect(environmentDocumentToContext(document, { identifier: 'u', key: '42' }).identity).toEqual({
      identifier: 'u',
      key: '42',
      traits: {},
    });
  });

  it('leaves segments out without an identity (environment flags, spec §3.1)', () => {
    expect(environmentDocumentToContext(document)).toEqual({
      environment: context.environment,
      features: context.features,
    });
  });

  it('tolerates a document with almost nothing in it', () => {
    expect(environmentDocumentToContext({} as EnvironmentDocument, { identifier: 'x' })).toEqual({
      environment: { key: '', name: '' },
      identity: { identifier: 'x', traits: {} },
      features: {},
      segments: {},
    });
    const sparse = {
      api_key: 'k',
      feature_states: [{ feature: { name: 'f' } }, { enabled: true }, null],
      project: { segments: [{ id: 1 }, null] },
      identity_overrides: [{ identifier: 'a' }, { identity_features: [] }],
    } as unknown as EnvironmentDocument;
    expect(environmentDocumentToContext(sparse, { identifier: 'x' })).toEqual({
      environment: { key: 'k', name: '' },
      identity: { identifier: 'x', traits: {} },
      features: { f: { key: '', name: 'f', enabled: false, value: null, metadata: { id: null } } },
      segments: { '1': { key: '1', name: '', rules: [], metadata: { source: 'api', id: 1 } } },
    });
  });
});

describe('identity overrides', () => {
  const twoIdentities = {
    ...document,
    identity_overrides: [
      ...document.identity_overrides,
      {
        identifier: 'same-overrides',
        identity_features: document.identity_overrides[0]?.identity_features ?? [],
      },
      {
        identifier: 'other,with-comma',
        identity_features: [
          {
            feature: { id: 15062, name: 'mv_feature', type: 'MULTIVARIATE' },
            enabled: true,
            django_id: 7,
            feature_state_value: 'mine',
            multivariate_feature_state_values:
              document.feature_states[0]?.multivariate_feature_state_values ?? [],
          },
          { feature: { id: 15058, name: 'string_feature' }, enabled: true, feature_state_value: 'x' },
        ],
      },
    ],
  };
  const context = environmentDocumentToContext(twoIdentities, { identifier: 'x' });
  const synthetic = Object.values(context.segments ?? {}).filter((s) => s.name === 'identity_overrides');

  it('identities with identical overrides share one segment', () => {
    expect(synthetic.map((s) => s.rules[0]?.conditions?.[0]?.value)).toEqual([
      ['overridden-id', 'same-overrides'],
      ['other,with-comma'],
    ]);
  });

  it('sorts overrides by feature name and drops variants (the Python SDK does)', () => {
    expect(synthetic[1]?.overrides?.map((o) => [o.name, o.value, 'variants' in o])).toEqual([
      ['mv_feature', 'mine', false],
      ['string_feature', 'x', false],
    ]);
  });

  it('an override beats every segment override, with reason "TARGETING_MATCH; segment=identity_overrides"', () => {
    for (const evaluate of [
      (id: { identifier: string; traits: Record<string, string> }) =>
        getEvaluationResult(environmentDocumentToContext(twoIdentities, id)),
      (id: { identifier: string; traits: Record<string, string> }) =>
        compileEnvironment(twoIdentities).evaluate(id),
    ]) {
      const result = evaluate({ identifier: 'same-overrides', traits: { plan: 'beta' } });
      expect(result.flags.string_feature).toEqual({
        name: 'string_feature',
        enabled: false,
        value: 'some-overridden-value',
        reason: 'TARGETING_MATCH; segment=identity_overrides',
        variant: null,
        metadata: { id: 15058 },
      });
      expect(result.segments).toEqual([
        { name: 'beta', metadata: { source: 'api', id: 16 } },
        { name: 'identity_overrides', metadata: { source: 'identity_overrides' } },
      ]);
      // an identifier containing a comma is matched whole
      expect(evaluate({ identifier: 'other,with-comma', traits: {} }).flags.mv_feature?.value).toBe('mine');
      expect(evaluate({ identifier: 'other', traits: {} }).flags.mv_feature?.reason).not.toContain(
        'identity',
      );
    }
  });

  it('the -Infinity priority survives a JSON round trip only if restored (documented): JSON writes null', () => {
    expect(JSON.parse(JSON.stringify(synthetic[0]?.overrides?.[0])).priority).toBeNull();
  });
});

describe('multivariate priorities from UUIDs (spec §2.3)', () => {
  // Two UUIDs that differ only below 2^53 relative to their magnitude: as doubles they would be equal.
  const low = '00000000-0000-4000-8000-000000000001';
  const high = '00000000-0000-4000-8000-000000000002';
  const big = 'ffffffff-ffff-4fff-bfff-fffffffffff0';
  const state = (mvs: unknown[]) =>
    ({
      api_key: 'k',
      feature_states: [
        {
          feature: { id: 1, name: 'f' },
          enabled: true,
          django_id: 1,
          feature_state_value: 'c',
          multivariate_feature_state_values: mvs,
        },
      ],
    }) as EnvironmentDocument;

  it('orders variants by the exact 128-bit UUID value when ids are missing', () => {
    const mv = (uuid: string, value: string) => ({
      mv_fs_value_uuid: uuid,
      percentage_allocation: 50,
      multivariate_feature_option: { value },
    });
    const variants = environmentDocumentToContext(state([mv(big, 'big'), mv(high, 'high'), mv(low, 'low')]))
      .features?.f?.variants;
    const order = [...(variants ?? [])].sort((a, b) => a.priority - b.priority).map((v) => v.value);
    expect(order).toEqual(['low', 'high', 'big']);
  });

  it('uses the ids themselves when every variant has one', () => {
    const variants = environmentDocumentToContext(
      state([
        { id: 9, percentage_allocation: 10, multivariate_feature_option: { value: 'a' } },
        { id: 3, percentage_allocation: 10, multivariate_feature_option: { value: 'b' } },
      ]),
    ).features?.f?.variants;
    expect(variants?.map((v) => v.priority)).toEqual([9, 3]);
  });
});

describe('multivariate segment overrides (spec §3.7)', () => {
  it("a segment override's own key and variants split the identity: reason SPLIT, not TARGETING_MATCH", () => {
    const context = {
      environment: { key: 'env', name: 'Production' },
      identity: { identifier: 'user', key: 'fixed-key', traits: { plan: 'pro' } },
      segments: {
        '1': {
          key: '1',
          name: 'pro',
          rules: [
            {
              type: 'ALL' as const,
              conditions: [{ property: 'plan', operator: 'EQUAL' as const, value: 'pro' }],
            },
          ],
          overrides: [
            {
              key: 'override-key',
              name: 'mv',
              enabled: true,
              value: 'override-control',
              variants: [
                { value: 'first', weight: 50, priority: 1 },
                { value: 'second', weight: 50, priority: 2 },
              ],
            },
          ],
        },
      },
      features: { mv: { key: 'default-key', name: 'mv', enabled: false, value: 'control' } },
    };
    const flag = getEvaluationResult(context).flags.mv;
    expect(flag?.reason).toBe('SPLIT; weight=50');
    expect(['first', 'second']).toContain(flag?.value);
    expect(flag?.enabled).toBe(true);
    expect(compileContext(context).evaluate(context.identity).flags.mv).toEqual(flag);
  });
});
