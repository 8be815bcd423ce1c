import type { ConditionTable } from './compile-segments.ts';

/**
 * What `$.` properties may read besides the identity: the environment, or the whole context when a general
 * JSONPath (or one into the features or segments) is used. Keeping only what is needed keeps the compiled
 * environment small; most documents only use `$.identity.*` and `$.environment.*`.
 */
export function jsonPathRoot(
  input: { readonly environment: unknown; template(): Readonly<Record<string, unknown>> },
  table: ConditionTable,
): Readonly<Record<string, unknown>> {
  const needsAll = table.plans.some(
    (plan) =>
      plan.kind === 'path' &&
      plan.query !== undefined &&
      (plan.chain === undefined || (plan.chain[0] !== 'identity' && plan.chain[0] !== 'environment')),
  );
  return needsAll ? input.template() : { environment: input.environment };
}
