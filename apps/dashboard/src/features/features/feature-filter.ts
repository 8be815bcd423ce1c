import type { Feature } from '../../api/types.ts';

export type StateFilter = 'all' | 'enabled' | 'disabled';

export interface FeatureFilter {
  search: string;
  /** Tag id, or undefined for every tag. */
  tag: number | undefined;
  state: StateFilter;
  archived: boolean;
}

export const NO_FILTER: FeatureFilter = { search: '', tag: undefined, state: 'all', archived: false };

/**
 * Filters in memory: with every feature of the environment loaded once, typing in the search box costs a
 * few milliseconds even with thousands of features (Flagsmith's dashboard round-trips to the server instead).
 */
export function filterFeatures(features: readonly Feature[], f: FeatureFilter): Feature[] {
  const needle = f.search.trim().toLowerCase();
  return features.filter((feature) => {
    if (feature.is_archived !== f.archived) return false;
    if (f.tag !== undefined && !feature.tags.includes(f.tag)) return false;
    const enabled = feature.environment_feature_state?.enabled ?? false;
    if (f.state === 'enabled' && !enabled) return false;
    if (f.state === 'disabled' && enabled) return false;
    if (needle === '') return true;
    return (
      feature.name.toLowerCase().includes(needle) ||
      (feature.description ?? '').toLowerCase().includes(needle)
    );
  });
}
