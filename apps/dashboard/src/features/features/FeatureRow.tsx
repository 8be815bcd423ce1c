import { Link } from 'react-router';
import type { Feature, Tag } from '../../api/types.ts';
import { Switch } from '../../ui/Switch.tsx';
import { previewValue } from './value-format.ts';

export interface FeatureRowProps {
  feature: Feature;
  tags: ReadonlyMap<number, Tag>;
  href: string;
  onToggle: (feature: Feature, enabled: boolean) => void;
}

export function FeatureRow({ feature, tags, href, onToggle }: FeatureRowProps) {
  const state = feature.environment_feature_state;
  const enabled = state?.enabled ?? false;
  const value = previewValue(state?.feature_state_value ?? null);
  return (
    <>
      <div style={{ minWidth: 0 }}>
        <Link className="name" to={href}>
          {feature.name}
        </Link>
        <div className="desc">
          {feature.tags.map((id) => {
            const tag = tags.get(id);
            return tag ? (
              <span key={id} className="badge tag" style={{ borderLeftColor: tag.color, marginRight: 4 }}>
                {tag.label}
              </span>
            ) : null;
          })}
          {feature.type === 'MULTIVARIATE' ? (
            <span className="badge" style={{ marginRight: 4 }}>
              multivariate
            </span>
          ) : null}
          {feature.description}
        </div>
      </div>
      <div className="value" title={value}>
        {value}
      </div>
      <div className="row" style={{ gap: 4 }}>
        {feature.num_segment_overrides ? (
          <span className="badge" title="Segment overrides">
            {feature.num_segment_overrides} segment{feature.num_segment_overrides === 1 ? '' : 's'}
          </span>
        ) : null}
        {feature.num_identity_overrides ? (
          <span className="badge" title="Identity overrides">
            {feature.num_identity_overrides} identit{feature.num_identity_overrides === 1 ? 'y' : 'ies'}
          </span>
        ) : null}
      </div>
      <Switch
        checked={enabled}
        disabled={!state || feature.is_archived}
        label={`${feature.name} enabled`}
        onChange={(next) => onToggle(feature, next)}
      />
    </>
  );
}
