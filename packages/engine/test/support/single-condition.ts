import { expect } from 'vitest';
import {
  type ContextScalar,
  compileContext,
  type EvaluationContext,
  getEvaluationResult,
  type SegmentCondition,
} from '../../src/index.ts';

/**
 * Whether an identity with `traits` is in a segment made of one condition, asked of both the reference
 * interpreter and the compiled evaluator (which must agree).
 */
export function inSegment(
  condition: Partial<SegmentCondition> | Record<string, unknown>,
  traits: Record<string, ContextScalar> = {},
  identity: { identifier?: string; key?: string } = {},
): boolean {
  const context = {
    environment: { key: 'env-key', name: 'Production' },
    identity: {
      identifier: identity.identifier ?? 'user-1',
      ...(identity.key ? { key: identity.key } : {}),
      traits,
    },
    segments: { '1': { key: '1', name: 'segment', rules: [{ type: 'ALL', conditions: [condition] }] } },
  } as unknown as EvaluationContext;
  const interpreted = getEvaluationResult(context).segments.length === 1;
  const compiled = compileContext(context).evaluate(context.identity).segments.length === 1;
  expect(compiled).toBe(interpreted);
  return interpreted;
}
