import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { Button } from './Button.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return 'Not found: it may have been deleted, or you may not have access to it.';
    if (error.status === 403)
      return error.field('non_field_errors') ?? 'You do not have permission to do this.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A failed load, with the reason and a way to try again: never a blank screen. */
export function QueryError({ error, retry, what }: { error: unknown; retry?: () => void; what: string }) {
  return (
    <div className="alert alert-error" role="alert">
      <strong>Could not load {what}.</strong> {errorMessage(error)}
      {retry ? (
        <div style={{ marginTop: '0.5rem' }}>
          <Button small onClick={retry}>
            Try again
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** The errors of a form that belong to no field shown (non_field_errors, detail, or a field the form lacks). */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: readonly string[] }) {
  if (!error) return null;
  let message: string;
  if (error instanceof ApiError) {
    const rest = Object.entries(error.fields).filter(([k]) => !shownFields.includes(k));
    if (rest.length === 0 && Object.keys(error.fields).length > 0) return null;
    // The API's messages are whole sentences ("The project has reached the maximum allowed segments limit…").
    message = rest.length > 0 ? rest.map(([, v]) => v.join(' ')).join(' ') : error.message;
  } else message = errorMessage(error);
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** The API's message for one field of a failed mutation. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.field(field) : undefined;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div className="row">{actions}</div> : null}
    </div>
  );
}
