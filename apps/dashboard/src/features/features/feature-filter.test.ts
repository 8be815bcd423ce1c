import { describe, expect, it } from 'vitest';
import type { Feature } from '../../api/types.ts';
import { filterFeatures, NO_FILTER } from './feature-filter.ts';

const feature = (id: number, name: string, over: Partial<Feature> = {}, enabled = false): Feature => ({
  id,
  name,
  type: 'STANDARD',
  default_enabled: false,
  initial_value: null,
  created_date: '',
  description: null,
  tags: [],
  multivariate_options: [],
  is_archived: false,
  is_server_key_only: false,
  project: 1,
  num_segment_overrides: null,
  num_identity_overrides: null,
  environment_feature_state: {
    id,
    feature: id,
    environment: 1,
    identity: null,
    feature_segment: null,
    enabled,
    feature_state_value: null,
    multivariate_feature_state_values: [],
    updated_at: '',
  },
  ...over,
});

const all = [
  feature(1, 'new_checkout', { tags: [7], description: 'One-page checkout' }, true),
  feature(2, 'dark_mode', { tags: [8] }),
  feature(3, 'old_banner', { is_archived: true }),
  feature(4, 'search_v2', { description: 'Faster CHECKOUT search' }, true),
];
const names = (f: Feature[]) => f.map((x) => x.name);

describe('filterFeatures', () => {
  it('hides archived features unless asked for them', () => {
    expect(names(filterFeatures(all, NO_FILTER))).toEqual(['new_checkout', 'dark_mode', 'search_v2']);
    expect(names(filterFeatures(all, { ...NO_FILTER, archived: true }))).toEqual(['old_banner']);
  });

  it('searches names and descriptions, case-insensitively', () => {
    expect(names(filterFeatures(all, { ...NO_FILTER, search: ' Checkout ' }))).toEqual([
      'new_checkout',
      'search_v2',
    ]);
  });

  it('filters by tag and by state', () => {
    expect(names(filterFeatures(all, { ...NO_FILTER, tag: 8 }))).toEqual(['dark_mode']);
    expect(names(filterFeatures(all, { ...NO_FILTER, state: 'enabled' }))).toEqual([
      'new_checkout',
      'search_v2',
    ]);
    expect(names(filterFeatures(all, { ...NO_FILTER, state: 'disabled' }))).toEqual(['dark_mode']);
  });

  it('filters 5,000 features by search, tag and state together', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      feature(i, `feature_${i}`, { tags: [i % 10] }, i % 2 === 0),
    );
    const found = filterFeatures(many, { search: 'feature_49', tag: 9, state: 'disabled', archived: false });
    expect(names(found)).toEqual([
      'feature_49',
      'feature_499',
      'feature_4909',
      'feature_4919',
      'feature_4929',
      'feature_4939',
      'feature_4949',
      'feature_4959',
      'feature_4969',
      'feature_4979',
      'feature_4989',
      'feature_4999',
    ]);
  });
});
