import type { LimitUsage } from '../api/types.ts';
import { formatLimit, limitLabel, limitLevel } from './limits.ts';

export function LimitMeter({ limit }: { limit: LimitUsage }) {
  const level = limitLevel(limit);
  const pct = limit.limit > 0 ? Math.min(100, (limit.usage / limit.limit) * 100) : 0;
  const label = limitLabel(limit.name);
  return (
    <div className="stack" style={{ gap: '0.25rem' }}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span>{label}</span>
        <span className={level === 'ok' ? 'muted' : ''}>
          {formatLimit(limit.name, limit.usage)} of {formatLimit(limit.name, limit.limit)}
        </span>
      </div>
      {/* The numbers above say it in words; the bar is for the eye. */}
      <div className={`meter ${level === 'ok' ? '' : level}`} aria-hidden="true">
        <div style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** A warning shown before a user hits a limit (from 80 %), or that they have hit it. */
export function LimitWarning({ limit }: { limit: LimitUsage | undefined }) {
  if (!limit) return null;
  const level = limitLevel(limit);
  if (level === 'ok') return null;
  const label = limitLabel(limit.name).toLowerCase();
  return (
    <div className={`alert ${level === 'full' ? 'alert-error' : 'alert-warn'}`} role="status">
      {level === 'full'
        ? `Limit reached: ${label} is at ${formatLimit(limit.name, limit.usage)} of ${formatLimit(limit.name, limit.limit)}. New ones will be refused until some are removed or the limit is raised.`
        : `Nearing a limit: ${label} is at ${formatLimit(limit.name, limit.usage)} of ${formatLimit(limit.name, limit.limit)}.`}
    </div>
  );
}
