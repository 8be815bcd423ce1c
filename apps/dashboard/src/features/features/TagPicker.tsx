import type { Tag } from '../../api/types.ts';
import { Checkbox } from '../../ui/Field.tsx';

/** The project's tags as checkboxes; nothing when the project has none. */
export function TagPicker({
  tags,
  value,
  onChange,
}: {
  tags: readonly Tag[];
  value: number[];
  onChange: (ids: number[]) => void;
}) {
  if (tags.length === 0) return null;
  return (
    <fieldset className="field" style={{ border: 'none', padding: 0, margin: 0 }}>
      <legend className="label">Tags</legend>
      <div className="row">
        {tags.map((t) => (
          <Checkbox
            key={t.id}
            label={t.label}
            checked={value.includes(t.id)}
            onChange={(e) => onChange(e.target.checked ? [...value, t.id] : value.filter((x) => x !== t.id))}
          />
        ))}
      </div>
    </fieldset>
  );
}
