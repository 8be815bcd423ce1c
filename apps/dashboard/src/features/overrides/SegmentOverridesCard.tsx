import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { type FormEvent, useState } from 'react';
import { useEnvironmentLimits, useSegments } from '../../api/queries.ts';
import type { Environment, Feature } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { errorMessage, FormError, fieldError, Loading, QueryError } from '../../ui/Feedback.tsx';
import { Checkbox, SelectField } from '../../ui/Field.tsx';
import { LimitWarning } from '../../ui/LimitMeter.tsx';
import { type ValueDraft, ValueEditor } from '../features/ValueEditor.tsx';
import { parseValue } from '../features/value-format.ts';
import { SortableOverride } from './SortableOverride.tsx';
import { type SegmentOverride, useOverrideMutations, useSegmentOverrides } from './use-segment-overrides.ts';

/** Segment overrides of this feature in this environment, in priority order: drag (or move) to reorder. */
export function SegmentOverridesCard({
  feature,
  environment,
  projectId,
}: {
  feature: Feature;
  environment: Environment;
  projectId: number;
}) {
  const { overrides, states, featureSegments } = useSegmentOverrides(environment.id, feature.id);
  const segments = useSegments(projectId);
  const limits = useEnvironmentLimits(environment.api_key);
  const m = useOverrideMutations(environment.api_key, environment.id, feature.id, projectId);
  const [segmentId, setSegmentId] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [draft, setDraft] = useState<ValueDraft>({ kind: 'none', text: '' });
  const [valueError, setValueError] = useState<string>();
  const [removing, setRemoving] = useState<SegmentOverride | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ordered = overrides.map((o) => o.featureSegment);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= ordered.length || from === to) return;
    m.reorder.mutate(arrayMove(ordered, from, to));
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    move(
      ordered.findIndex((fs) => fs.id === active.id),
      ordered.findIndex((fs) => fs.id === over.id),
    );
  };
  const used = new Set(ordered.map((fs) => fs.segment));
  const available = (segments.data ?? []).filter(
    (s) => !used.has(s.id) && (s.feature === null || s.feature === feature.id),
  );
  const add = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseValue(draft.kind, draft.text);
    if (!parsed.ok) return setValueError(parsed.error);
    setValueError(undefined);
    m.create.mutate(
      { segment: Number(segmentId), state: { enabled, feature_state_value: parsed.value } },
      {
        onSuccess: () => {
          setSegmentId('');
          setDraft({ kind: 'none', text: '' });
        },
      },
    );
  };
  const loadError = featureSegments.error ?? states.error;
  return (
    <section className="card stack" aria-labelledby="overrides-title">
      <h2 id="overrides-title">Segment overrides in {environment.name}</h2>
      <p className="muted">
        Identities in a segment get its value instead of the default. The first matching segment wins.
      </p>
      <LimitWarning limit={limits.data?.find((l) => l.name === 'max_segment_overrides_allowed')} />
      {loadError ? <QueryError error={loadError} what="segment overrides" /> : null}
      {featureSegments.isPending ? <Loading /> : null}
      {overrides.length > 0 ? (
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
          <SortableContext items={ordered.map((fs) => fs.id)} strategy={verticalListSortingStrategy}>
            <ol
              style={{ listStyle: 'none', padding: 0, margin: 0 }}
              aria-label="Segment overrides by priority"
            >
              {overrides.map((o, i) => (
                <SortableOverride
                  key={o.featureSegment.id}
                  override={o}
                  index={i}
                  count={overrides.length}
                  onMove={move}
                  onSave={(stateId, patch) => m.update.mutateAsync({ stateId, patch })}
                  onRemove={() => setRemoving(o)}
                  saveError={fieldError(m.update.error, 'feature_state_value')}
                />
              ))}
            </ol>
          </SortableContext>
        </DndContext>
      ) : featureSegments.isSuccess ? (
        <p className="muted">No segment overrides in this environment.</p>
      ) : null}
      <FormError error={m.reorder.error ?? m.update.error} shownFields={['feature_state_value']} />
      <form className="stack" onSubmit={add} aria-label="Add a segment override" noValidate>
        <h3>Add a segment override</h3>
        <SelectField
          label="Segment"
          value={segmentId}
          onChange={(e) => setSegmentId(e.target.value)}
          error={fieldError(m.create.error, 'feature_segment') ?? fieldError(m.create.error, 'segment')}
        >
          <option value="">Choose a segment…</option>
          {available.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <Checkbox
          label="Enabled for this segment"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
        <ValueEditor
          label="Value for this segment"
          draft={draft}
          onChange={setDraft}
          error={valueError ?? fieldError(m.create.error, 'feature_state_value')}
        />
        <FormError
          error={m.create.error}
          shownFields={['feature_segment', 'segment', 'feature_state_value']}
        />
        <div>
          <Button type="submit" variant="primary" disabled={segmentId === ''} busy={m.create.isPending}>
            Add override
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove the override for ${removing?.featureSegment.segment_name ?? ''}?`}
        confirmLabel="Remove override"
        danger
        busy={m.remove.isPending}
        error={m.remove.error ? errorMessage(m.remove.error) : undefined}
        onConfirm={() =>
          removing && m.remove.mutate(removing.featureSegment.id, { onSuccess: () => setRemoving(null) })
        }
        onCancel={() => setRemoving(null)}
      >
        <p>Identities in this segment will get the environment default again.</p>
      </ConfirmDialog>
    </section>
  );
}
