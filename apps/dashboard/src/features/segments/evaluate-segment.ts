import { type EvaluationContext, getEvaluationResult } from '@vexil/engine';
import { PROBE_SEGMENT } from './segment-context.ts';

/** Whether the identity of `context` belongs to its one segment, decided by the same engine the server uses. */
export function segmentMatches(context: EvaluationContext): boolean {
  return getEvaluationResult(context).segments.some((s) => s.name === PROBE_SEGMENT);
}
