import { type ReactNode, useState } from 'react';
import { Button } from './Button.tsx';
import { ConfirmDialog } from './Dialog.tsx';
import { errorMessage } from './Feedback.tsx';

/** "Delete this …" at the bottom of a settings page, behind a confirmation. */
export function DeleteSection({
  what,
  name,
  consequences,
  busy,
  error,
  onDelete,
}: {
  /** e.g. "environment" */
  what: string;
  name: string;
  consequences: ReactNode;
  busy: boolean;
  error: unknown;
  onDelete: () => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <section className="card" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this {what}</h2>
      <p className="muted">{consequences}</p>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete {what}
      </Button>
      <ConfirmDialog
        open={open}
        title={`Delete ${name}?`}
        confirmLabel={`Delete ${what}`}
        danger
        busy={busy}
        error={error ? errorMessage(error) : undefined}
        onConfirm={onDelete}
        onCancel={() => setOpen(false)}
      >
        <p>This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
