import { useId } from 'react';
import type { FlagValue } from '../../api/types.ts';
import { kindOf, toEditText, type ValueKind } from './value-format.ts';

export interface ValueDraft {
  kind: ValueKind;
  text: string;
}

export const draftOf = (value: FlagValue): ValueDraft => {
  const kind = kindOf(value);
  return { kind, text: kind === 'boolean' ? String(value) : toEditText(value, kind) };
};

const KINDS: { kind: ValueKind; label: string }[] = [
  { kind: 'none', label: 'No value' },
  { kind: 'text', label: 'Text' },
  { kind: 'number', label: 'Number' },
  { kind: 'boolean', label: 'Boolean' },
  { kind: 'json', label: 'JSON' },
];

/** A value with its type: text, whole number, boolean or JSON (edited formatted, stored as a string). */
export function ValueEditor({
  label,
  draft,
  onChange,
  error,
}: {
  label: string;
  draft: ValueDraft;
  onChange: (draft: ValueDraft) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const common = {
    id: `${id}-value`,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
  };
  const changeKind = (kind: ValueKind) => {
    let text = draft.text;
    if (kind === 'boolean') text = draft.text === 'false' ? 'false' : 'true';
    if (kind === 'json' && draft.kind !== 'json') text = draft.text.trim() === '' ? '{}' : draft.text;
    onChange({ kind, text });
  };
  return (
    <fieldset className="field" style={{ border: 'none', padding: 0, margin: 0 }}>
      <legend className="label" style={{ marginBottom: '0.25rem' }}>
        {label}
      </legend>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <label className="visually-hidden" htmlFor={`${id}-kind`}>
          {label} type
        </label>
        <select
          id={`${id}-kind`}
          className="input"
          style={{ width: '9rem' }}
          value={draft.kind}
          onChange={(e) => changeKind(e.target.value as ValueKind)}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={`${id}-value`}>
          {label}
        </label>
        <div style={{ flex: 1, minWidth: '12rem' }}>
          {draft.kind === 'boolean' ? (
            <select
              {...common}
              className="input"
              value={draft.text}
              onChange={(e) => onChange({ ...draft, text: e.target.value })}
            >
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : draft.kind === 'json' ? (
            <textarea
              {...common}
              className="input"
              rows={Math.min(14, Math.max(4, draft.text.split('\n').length + 1))}
              spellCheck={false}
              value={draft.text}
              onChange={(e) => onChange({ ...draft, text: e.target.value })}
            />
          ) : draft.kind === 'none' ? (
            <input {...common} className="input" disabled value="" placeholder="No value" />
          ) : (
            <input
              {...common}
              className="input"
              inputMode={draft.kind === 'number' ? 'numeric' : undefined}
              value={draft.text}
              onChange={(e) => onChange({ ...draft, text: e.target.value })}
            />
          )}
        </div>
      </div>
      {error ? (
        <span className="error" id={errorId} role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
