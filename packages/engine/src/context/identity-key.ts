import { pyStrAny } from '../python/py-str.ts';
import { isRecord } from './resolve-property.ts';

/**
 * Flagsmith parity (spec §3.2): the identity's `key` when set (non-empty), otherwise the composite key
 * `"<environment key>_<identifier>"`. Returned raw (as the context holds it); hashing uses its str().
 */
export function identityKeyValue(environment: unknown, identity: Record<string, unknown>): unknown {
  const key = identity.key;
  if (key) return key;
  const environmentKey = isRecord(environment) ? environment.key : undefined;
  return `${pyStrAny(environmentKey)}_${pyStrAny(identity.identifier)}`;
}
