import { describe, expect, it } from 'vitest';
import { inferTraitValue, PROBE_SEGMENT, segmentTestContext } from './segment-context.ts';

describe('the "test this segment" context', () => {
  it('types trait values as an SDK would send them', () => {
    expect(inferTraitValue('42')).toBe(42);
    expect(inferTraitValue('-1.5')).toBe(-1.5);
    expect(inferTraitValue('true')).toBe(true);
    expect(inferTraitValue('false')).toBe(false);
    expect(inferTraitValue('beta')).toBe('beta');
    expect(inferTraitValue('1.2.3')).toBe('1.2.3');
    expect(inferTraitValue('')).toBe('');
  });

  it('holds the environment, the identity and only the segment under test, keyed by its id', () => {
    const context = segmentTestContext({
      environment: { key: 'env-key', name: 'Production' },
      segment: {
        id: 16,
        name: 'Beta',
        rules: [
          { type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'beta' }], rules: [] },
        ],
      },
      identifier: 'ada',
      traits: { plan: 'beta', age: 36 },
    });
    expect(context).toEqual({
      environment: { key: 'env-key', name: 'Production' },
      identity: { identifier: 'ada', traits: { plan: 'beta', age: 36 } },
      segments: {
        '16': {
          key: '16',
          name: PROBE_SEGMENT,
          rules: [
            { type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'beta' }], rules: [] },
          ],
        },
      },
      features: {},
    });
  });
});
