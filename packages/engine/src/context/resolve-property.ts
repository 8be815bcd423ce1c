import { queryValues } from '../jsonpath/evaluate-jsonpath.ts';
import type { PyValue } from '../python/py-value.ts';
import { coerceContextValue, isContextScalar } from './coerce-context-value.ts';
import type { PropertyPlan } from './property-plan.ts';

/** A plain (non-array) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python `identity.get("traits").get(name)`: own properties only, so "constructor" is not a trait. */
export function traitValue(identity: unknown, name: string): unknown {
  if (!isRecord(identity)) return undefined;
  const traits = identity.traits;
  return isRecord(traits) && Object.hasOwn(traits, name) ? traits[name] : undefined;
}

function walk(root: unknown, chain: readonly string[]): unknown {
  let node = root;
  for (const name of chain) {
    if (!isRecord(node) || !Object.hasOwn(node, name)) return undefined;
    node = node[name];
  }
  return node;
}

/**
 * Flagsmith parity (spec §3.4): the coerced value of a condition property over a context-shaped `root`
 * ({environment, identity, features, segments} with the identity key filled in). A `$.` property first reads a
 * trait named exactly so (when not null), then the JSONPath's first node; only scalars count.
 */
export function resolveProperty(root: Record<string, unknown>, plan: PropertyPlan): PyValue {
  if (plan.kind === 'none') return null;
  const trait = traitValue(root.identity, plan.name);
  if (plan.kind === 'trait' || (trait !== undefined && trait !== null)) return coerceContextValue(trait);
  if (plan.query === undefined) return null;
  if (plan.chain !== undefined) {
    const value = walk(root, plan.chain);
    return isContextScalar(value) ? coerceContextValue(value) : null;
  }
  const [first] = queryValues(plan.query, root, root);
  return isContextScalar(first) ? coerceContextValue(first) : null;
}
