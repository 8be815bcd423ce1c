import { useQuery } from '@tanstack/react-query';
import { auditApi } from '../../api/endpoints.ts';
import { Loading, QueryError } from '../../ui/Feedback.tsx';
import { diffJson, showValue } from './audit-diff.ts';

/** The before/after of one change, field by field. */
export function AuditEntryDetail({ id }: { id: number }) {
  const detail = useQuery({ queryKey: ['audit-entry', id], queryFn: () => auditApi.get(id) });
  if (detail.isError)
    return <QueryError error={detail.error} retry={() => detail.refetch()} what="this change" />;
  if (!detail.data) return <Loading />;
  const d = detail.data;
  const changes = diffJson(d.before ?? {}, d.after ?? {}).filter(
    (c) => !/(^|\.)(updated_at|updated_date)$/.test(c.field),
  );
  return (
    <div className="stack" style={{ padding: '0.5rem 0' }}>
      <p className="muted" style={{ margin: 0 }}>
        {d.change_type} {d.related_object_type.toLowerCase().replaceAll('_', ' ')}
        {d.related_object_id !== null ? ` #${d.related_object_id}` : ''}
      </p>
      {changes.length === 0 ? (
        <p className="muted">No field-level difference was recorded.</p>
      ) : (
        <table className="table diff" aria-label="Changes">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.field}>
                <td>{c.field}</td>
                <td className="diff-old">{showValue(c.before)}</td>
                <td className="diff-new">{showValue(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
