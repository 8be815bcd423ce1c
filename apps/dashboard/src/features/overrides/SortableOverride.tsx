import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { type FormEvent, useState } from 'react';
import type { StatePatch } from '../../api/endpoints.ts';
import { Button } from '../../ui/Button.tsx';
import { Switch } from '../../ui/Switch.tsx';
import { draftOf, type ValueDraft, ValueEditor } from '../features/ValueEditor.tsx';
import { parseValue, previewValue } from '../features/value-format.ts';
import type { SegmentOverride } from './use-segment-overrides.ts';

export interface SortableOverrideProps {
  override: SegmentOverride;
  index: number;
  count: number;
  onMove: (from: number, to: number) => void;
  onSave: (stateId: number, patch: StatePatch) => Promise<unknown>;
  onRemove: () => void;
  saveError?: string | undefined;
}

/** One segment override: drag handle (mouse, touch or keyboard), move buttons, on/off, value, remove. */
export function SortableOverride({
  override,
  index,
  count,
  onMove,
  onSave,
  onRemove,
  saveError,
}: SortableOverrideProps) {
  const { featureSegment, state } = override;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({
      id: featureSegment.id,
    });
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<ValueDraft>(draftOf(state?.feature_state_value ?? null));
  const [valueError, setValueError] = useState<string>();
  const name = featureSegment.segment_name;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!state) return;
    const parsed = parseValue(draft.kind, draft.text);
    if (!parsed.ok) return setValueError(parsed.error);
    setValueError(undefined);
    await onSave(state.id, { feature_state_value: parsed.value });
    setEditing(false);
  };
  return (
    <li
      ref={setNodeRef}
      className="sortable-item"
      data-testid="segment-override"
      data-segment={name}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        boxShadow: isDragging ? '0 6px 16px rgb(0 0 0 / 18%)' : undefined,
        position: 'relative',
        zIndex: isDragging ? 2 : undefined,
        flexWrap: 'wrap',
      }}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="drag-handle"
        aria-label={`Reorder ${name} (priority ${index + 1}): press Space, then arrow keys`}
        {...attributes}
        {...listeners}
      >
        ⠿
      </button>
      <span className="badge" title="Priority: the first matching segment wins">
        {index + 1}
      </span>
      <strong style={{ minWidth: '8rem' }}>{name}</strong>
      {state ? (
        <Switch
          checked={state.enabled}
          label={`Enabled for segment ${name}`}
          onChange={(enabled) => void onSave(state.id, { enabled })}
        />
      ) : null}
      <span
        className="mono muted"
        style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}
      >
        {previewValue(state?.feature_state_value ?? null) || 'no value'}
      </span>
      <Button
        small
        onClick={() => onMove(index, index - 1)}
        disabled={index === 0}
        aria-label={`Move ${name} up`}
      >
        ↑
      </Button>
      <Button
        small
        onClick={() => onMove(index, index + 1)}
        disabled={index === count - 1}
        aria-label={`Move ${name} down`}
      >
        ↓
      </Button>
      <Button
        small
        onClick={() => {
          // Start from the value as it is now (the states may have loaded after this row appeared).
          if (!editing) setDraft(draftOf(state?.feature_state_value ?? null));
          setEditing(!editing);
        }}
        aria-expanded={editing}
        aria-label={`Edit the value for ${name}`}
      >
        Edit value
      </Button>
      <Button small variant="ghost" onClick={onRemove} aria-label={`Remove the override for ${name}`}>
        Remove
      </Button>
      {editing ? (
        <form className="stack" style={{ flexBasis: '100%' }} onSubmit={save} noValidate>
          <ValueEditor
            label={`Value for ${name}`}
            draft={draft}
            onChange={setDraft}
            error={valueError ?? saveError}
          />
          <div>
            <Button type="submit" variant="primary" small>
              Save value
            </Button>
          </div>
        </form>
      ) : null}
    </li>
  );
}
