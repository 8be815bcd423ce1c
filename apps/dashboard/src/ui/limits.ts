import type { LimitUsage } from '../api/types.ts';

const LABELS: Record<string, string> = {
  max_features_allowed: 'Features in this project',
  max_segments_allowed: 'Segments in this project',
  max_segment_overrides_allowed: 'Segment overrides in this environment',
  max_identity_overrides_allowed: 'Identity overrides in this environment',
  max_environment_document_bytes: 'Environment document size',
};

export function limitLabel(name: string): string {
  return LABELS[name] ?? name.replaceAll('_', ' ');
}

/** How close a usage is to its limit: 'ok' below 80 %, 'warn' from 80 %, 'full' at the limit. */
export function limitLevel(l: Pick<LimitUsage, 'limit' | 'usage'>): 'ok' | 'warn' | 'full' {
  if (l.limit <= 0) return 'ok';
  if (l.usage >= l.limit) return 'full';
  return l.usage / l.limit >= 0.8 ? 'warn' : 'ok';
}

export function formatLimit(name: string, n: number): string {
  if (name.endsWith('_bytes')) {
    if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
    if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
    return `${n} B`;
  }
  return n.toLocaleString('en');
}
