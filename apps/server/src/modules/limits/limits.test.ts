import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../config/admin-config.ts';
import type { ValidationError } from '../../platform/errors.ts';
import { Limits } from './limits.ts';

const rule = (conditions: number, rules: object[] = []) => ({
  conditions: Array.from({ length: conditions }, () => ({ value: 'v' })),
  rules,
});

describe('Limits.assertSegmentShape', () => {
  const limits = new Limits({
    ...DEFAULT_LIMITS,
    maxConditionsPerSegment: 4,
    maxSegmentRulesDepth: 2,
    maxConditionValueLength: 5,
  });

  it('accepts a segment within every limit', () => {
    limits.assertSegmentShape([rule(1, [rule(3)])]);
    limits.assertSegmentShape([]);
  });

  it('counts conditions at every depth and names the limit and the count', () => {
    expect(() => limits.assertSegmentShape([rule(2, [rule(2), rule(1)])])).toThrow(
      'The segment has 5 conditions, which exceeds the maximum condition count of 4.',
    );
  });

  it('refuses rules nested deeper than the limit', () => {
    let error: ValidationError | undefined;
    try {
      limits.assertSegmentShape([rule(0, [rule(0, [rule(1)])])]);
    } catch (err) {
      error = err as ValidationError;
    }
    expect(error?.fields).toEqual({
      segment: ['Rules must not be nested more than 2 levels deep (these rules nest 3).'],
    });
  });

  it('refuses condition values over the length limit', () => {
    expect(() => limits.assertSegmentShape([{ conditions: [{ value: '123456' }] }])).toThrow(
      /at most 5 characters/,
    );
  });
});

describe('DEFAULT_LIMITS', () => {
  it('fit ten times the July 2023 incident environment (300 features, 400 segments, 5,000 and 200 overrides)', () => {
    expect(DEFAULT_LIMITS.maxFeaturesPerProject).toBeGreaterThanOrEqual(3_000);
    expect(DEFAULT_LIMITS.maxSegmentsPerProject).toBeGreaterThanOrEqual(4_000);
    expect(DEFAULT_LIMITS.maxSegmentOverridesPerEnvironment).toBeGreaterThanOrEqual(50_000);
    expect(DEFAULT_LIMITS.maxIdentityOverridesPerEnvironment).toBeGreaterThanOrEqual(2_000);
    // The incident document is 1.8 MB of JSON.
    expect(DEFAULT_LIMITS.maxEnvironmentDocumentBytes).toBeGreaterThanOrEqual(18 * 1024 * 1024);
  });
});
