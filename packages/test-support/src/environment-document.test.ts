import { describe, expect, it } from 'vitest';
import { environmentDocument } from './environment-document.ts';

describe('environmentDocument', () => {
  it('is deterministic and has the requested shape', () => {
    const a = environmentDocument({ features: 10, segments: 3, identities: 4 });
    expect(JSON.stringify(a)).toBe(
      JSON.stringify(environmentDocument({ features: 10, segments: 3, identities: 4 })),
    );
    expect(a.feature_states).toHaveLength(10);
    expect(a.project.segments).toHaveLength(3);
    expect(a.identity_overrides).toHaveLength(4);
  });

  it('uses the document spelling property_ for condition properties', () => {
    expect(JSON.stringify(environmentDocument({ features: 1, segments: 1, identities: 0 }))).toContain(
      '"property_"',
    );
  });
});
