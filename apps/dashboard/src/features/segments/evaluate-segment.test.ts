import { describe, expect, it } from 'vitest';
import type { Rule } from '../../api/types.ts';
import { segmentMatches } from './evaluate-segment.ts';
import { segmentTestContext, type TraitValue } from './segment-context.ts';

const inSegment = (rules: Rule[], traits: Record<string, TraitValue>, identifier = 'ada') =>
  segmentMatches(
    segmentTestContext({
      environment: { key: 'env-key', name: 'Production' },
      segment: { id: 7, name: 'test', rules },
      identifier,
      traits,
    }),
  );

const all = (...conditions: Rule['conditions']): Rule[] => [
  { type: 'ALL', conditions: [], rules: [{ type: 'ALL', conditions, rules: [] }] },
];

describe('"test this segment" with the engine', () => {
  it('matches only identities whose traits meet every condition', () => {
    const rules = all(
      { property: 'plan', operator: 'EQUAL', value: 'beta' },
      { property: 'country', operator: 'IN', value: 'fr,be' },
    );
    expect(inSegment(rules, { plan: 'beta', country: 'be' })).toBe(true);
    expect(inSegment(rules, { plan: 'beta', country: 'de' })).toBe(false);
    expect(inSegment(rules, { country: 'fr' })).toBe(false);
  });

  it('compares numbers and versions, and honours ANY and NONE', () => {
    expect(
      inSegment(all({ property: 'age', operator: 'GREATER_THAN_INCLUSIVE', value: '18' }), { age: 18 }),
    ).toBe(true);
    expect(
      inSegment(all({ property: 'v', operator: 'GREATER_THAN', value: '2.1.0:semver' }), { v: '2.10.0' }),
    ).toBe(true);
    const anyOf: Rule[] = [
      {
        type: 'ALL',
        conditions: [],
        rules: [
          {
            type: 'ANY',
            conditions: [
              { property: 'plan', operator: 'EQUAL', value: 'pro' },
              { property: 'staff', operator: 'EQUAL', value: 'true' },
            ],
            rules: [],
          },
          { type: 'NONE', conditions: [{ property: 'banned', operator: 'IS_SET', value: null }], rules: [] },
        ],
      },
    ];
    expect(inSegment(anyOf, { staff: true })).toBe(true);
    expect(inSegment(anyOf, { staff: true, banned: 'yes' })).toBe(false);
    expect(inSegment(anyOf, { plan: 'free' })).toBe(false);
  });

  it('splits by percentage on the identity, all or nothing at 100 and 0', () => {
    expect(inSegment(all({ property: '', operator: 'PERCENTAGE_SPLIT', value: '100' }), {})).toBe(true);
    expect(inSegment(all({ property: '', operator: 'PERCENTAGE_SPLIT', value: '0' }), {})).toBe(false);
    const half = all({ property: '', operator: 'PERCENTAGE_SPLIT', value: '50' });
    const members = Array.from({ length: 200 }, (_, i) => inSegment(half, {}, `user-${i}`)).filter(
      Boolean,
    ).length;
    expect(members).toBeGreaterThan(70);
    expect(members).toBeLessThan(130);
  });
});
