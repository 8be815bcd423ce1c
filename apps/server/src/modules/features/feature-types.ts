import type { FeatureStateRow, MvValueRow } from './feature-state-store.ts';
import type { FeatureRow, MvOptionRow } from './feature-store.ts';

export interface Owner {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
}

/** A feature with what its JSON shows: tags, owners and multivariate options. */
export interface Feature extends FeatureRow {
  tags: number[];
  owners: Owner[];
  options: MvOptionRow[];
}

/** A feature state with its multivariate values. */
export interface FeatureState extends FeatureStateRow {
  mvValues: MvValueRow[];
}

/** Who may change a state depends on its kind (spec §4 permission keys). */
export type StateKind = 'environment' | 'segment' | 'identity';

export const kindOf = (s: Pick<FeatureStateRow, 'identity_id' | 'feature_segment_id'>): StateKind =>
  s.identity_id !== null ? 'identity' : s.feature_segment_id !== null ? 'segment' : 'environment';

export interface MvOptionInput {
  type: 'unicode' | 'int' | 'bool';
  stringValue: string | null;
  integerValue: number | null;
  booleanValue: boolean | null;
  defaultPercentageAllocation: number;
  key: string | null;
}

export interface FeatureInput {
  name?: string;
  type?: 'STANDARD' | 'MULTIVARIATE';
  initialValue?: string | null;
  defaultEnabled?: boolean;
  description?: string | null;
  isArchived?: boolean;
  isServerKeyOnly?: boolean;
  tags?: readonly number[];
  owners?: readonly number[];
  multivariateOptions?: readonly MvOptionInput[];
}
