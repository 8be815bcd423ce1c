import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { useFeatures, useProjectLimits, useTags } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { EmptyState, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { Checkbox, SelectField, TextField } from '../../ui/Field.tsx';
import { LimitWarning } from '../../ui/LimitMeter.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';
import { CreateFeatureDialog } from './CreateFeatureDialog.tsx';
import { FeatureRow } from './FeatureRow.tsx';
import { type FeatureFilter, filterFeatures, NO_FILTER, type StateFilter } from './feature-filter.ts';
import { useToggleFeature } from './use-toggle-feature.ts';

const ROW_HEIGHT = 64;

/**
 * Every feature of the project with its state in this environment. All features are loaded once and filtered in
 * memory; only the rows in view are in the DOM (virtualised), so thousands of features stay fast.
 */
export function FeaturesPage() {
  const { projectId, envKey, environment, error: envError } = useCurrentEnvironment();
  const features = useFeatures(projectId, environment?.id);
  const tags = useTags(projectId);
  const limits = useProjectLimits(projectId);
  const toggle = useToggleFeature(projectId, environment?.id ?? 0, envKey);
  const [filter, setFilter] = useState<FeatureFilter>(NO_FILTER);
  const deferredFilter = useDeferredValue(filter);
  const [creating, setCreating] = useState(false);
  const tagMap = useMemo(() => new Map((tags.data ?? []).map((t) => [t.id, t])), [tags.data]);
  const visible = useMemo(
    () => filterFeatures(features.data ?? [], deferredFilter),
    [features.data, deferredFilter],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });

  if (envError) return <QueryError error={envError} what="the environment" />;
  const featureLimit = limits.data?.find((l) => l.name === 'max_features_allowed');
  const total = (features.data ?? []).filter((f) => !f.is_archived).length;

  return (
    <>
      <PageHeader
        title="Features"
        description={environment ? `Flags and remote config in ${environment.name}.` : undefined}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New feature
          </Button>
        }
      />
      <LimitWarning limit={featureLimit} />
      <search className="filters" aria-label="Filter features">
        <div className="grow">
          <TextField
            label="Search"
            type="search"
            placeholder="Name or description"
            value={filter.search}
            onChange={(e) => setFilter({ ...filter, search: e.target.value })}
          />
        </div>
        <SelectField
          label="Tag"
          value={filter.tag ?? ''}
          onChange={(e) =>
            setFilter({ ...filter, tag: e.target.value === '' ? undefined : Number(e.target.value) })
          }
        >
          <option value="">All tags</option>
          {(tags.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="State"
          value={filter.state}
          onChange={(e) => setFilter({ ...filter, state: e.target.value as StateFilter })}
        >
          <option value="all">On and off</option>
          <option value="enabled">On</option>
          <option value="disabled">Off</option>
        </SelectField>
        <Checkbox
          label="Archived"
          checked={filter.archived}
          onChange={(e) => setFilter({ ...filter, archived: e.target.checked })}
        />
      </search>
      {features.isError ? (
        <QueryError error={features.error} retry={() => features.refetch()} what="features" />
      ) : null}
      {features.isPending ? <Loading label="Loading features…" /> : null}
      {features.data && features.data.length === 0 ? (
        <EmptyState title="No features yet">
          <p>Create a feature to turn code on and off without a deploy.</p>
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create the first feature
          </Button>
        </EmptyState>
      ) : null}
      {features.data && features.data.length > 0 ? (
        <>
          <p className="list-summary" aria-live="polite" data-testid="feature-count">
            {visible.length === total && !filter.archived
              ? `${total} feature${total === 1 ? '' : 's'}`
              : `${visible.length} of ${total} features`}
            {featureLimit ? ` · limit ${featureLimit.limit.toLocaleString('en')}` : ''}
          </p>
          <div className="vlist" ref={scrollRef} data-testid="feature-list">
            <ul
              aria-label="Features"
              style={{
                height: virtualizer.getTotalSize(),
                position: 'relative',
                listStyle: 'none',
                margin: 0,
                padding: 0,
              }}
            >
              {virtualizer.getVirtualItems().map((item) => {
                const feature = visible[item.index];
                if (!feature) return null;
                return (
                  <li
                    key={feature.id}
                    aria-setsize={visible.length}
                    aria-posinset={item.index + 1}
                    className="vrow"
                    style={{ top: item.start, height: ROW_HEIGHT }}
                    data-feature={feature.name}
                  >
                    <FeatureRow
                      feature={feature}
                      tags={tagMap}
                      href={envPath(projectId, envKey, `features/${feature.id}`)}
                      onToggle={(f, enabled) => toggle.mutate({ feature: f, enabled })}
                    />
                  </li>
                );
              })}
            </ul>
            {visible.length === 0 ? <EmptyState title="No feature matches these filters" /> : null}
          </div>
        </>
      ) : null}
      {environment ? (
        <CreateFeatureDialog
          open={creating}
          onClose={() => setCreating(false)}
          projectId={projectId}
          envKey={envKey}
          tags={tags.data ?? []}
        />
      ) : null}
    </>
  );
}
