import type { FlagValue } from '../../api/types.ts';

/** How the dashboard edits a value: the API stores strings, 32-bit integers and booleans; JSON is a string. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'json' | 'none';

/** JSON objects and arrays stored as strings are shown and edited as JSON. */
export function kindOf(value: FlagValue): ValueKind {
  if (value === null || value === '') return 'none';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  const trimmed = value.trim();
  if (
    (trimmed.startsWith('{') && trimmed.endsWith('}')) ||
    (trimmed.startsWith('[') && trimmed.endsWith(']'))
  ) {
    try {
      JSON.parse(trimmed);
      return 'json';
    } catch {
      return 'text';
    }
  }
  return 'text';
}

/** The text a value is edited as: JSON pretty-printed, others as they are. */
export function toEditText(value: FlagValue, kind: ValueKind = kindOf(value)): string {
  if (value === null) return '';
  if (kind === 'json' && typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return String(value);
}

export type Parsed = { ok: true; value: FlagValue } | { ok: false; error: string };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Turns what the user typed into the value to send, or says what is wrong with it (shown beside the field). */
export function parseValue(kind: ValueKind, text: string): Parsed {
  switch (kind) {
    case 'none':
      return { ok: true, value: null };
    case 'text':
      return { ok: true, value: text };
    case 'boolean':
      if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
      return { ok: false, error: 'Choose true or false.' };
    case 'number': {
      const t = text.trim();
      if (!/^-?\d+$/.test(t))
        return { ok: false, error: 'Enter a whole number (decimals are stored as text).' };
      const n = Number(t);
      if (n < INT32_MIN || n > INT32_MAX)
        return { ok: false, error: 'Enter a number between -2147483648 and 2147483647.' };
      return { ok: true, value: n };
    }
    case 'json': {
      try {
        // Stored compactly; shown formatted.
        return { ok: true, value: JSON.stringify(JSON.parse(text)) };
      } catch (e) {
        return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
      }
    }
  }
}

/** A one-line preview for lists. */
export function previewValue(value: FlagValue): string {
  if (value === null || value === '') return '';
  if (typeof value === 'string')
    return kindOf(value) === 'json' ? value.replace(/\s+/g, ' ') : JSON.stringify(value);
  return String(value);
}
