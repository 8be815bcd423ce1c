import type { ConditionOperator, EvaluationContext, SegmentRule } from '@vexil/engine';
import type { Rule } from '../../api/types.ts';
import { toWireRules } from './rules-model.ts';

export type TraitValue = string | number | boolean | null;

/** What a person types as a trait value, typed as an SDK would send it: numbers, booleans, else text. */
export function inferTraitValue(text: string): TraitValue {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t) && Number.isFinite(Number(t))) return Number(t);
  return text;
}

export interface SegmentUnderTest {
  /** Unsaved segments have none; percentage splits hash on it, so theirs may differ once saved. */
  id: number | undefined;
  name: string;
  rules: readonly Rule[];
}

/** The name the probe segment gets in the context, so that the result's segment list says whether it matched. */
export const PROBE_SEGMENT = 'segment under test';

/**
 * An evaluation context (shared/flagsmith-schemas/evaluation-context.json) holding only the segment being edited
 * and the identity typed in the test box: the engine's `segments` result then says whether it matches.
 */
export function segmentTestContext(input: {
  environment: { key: string; name: string };
  segment: SegmentUnderTest;
  identifier: string;
  traits: Readonly<Record<string, TraitValue>>;
}): EvaluationContext {
  return {
    environment: input.environment,
    identity: { identifier: input.identifier, traits: { ...input.traits } },
    segments: {
      [String(input.segment.id ?? 0)]: {
        key: String(input.segment.id ?? 0),
        name: PROBE_SEGMENT,
        rules: toWireRules(input.segment.rules).map(toContextRule),
      },
    },
    features: {},
  };
}

/** A rule as the evaluation context has it: conditions on `property` (a trait key), values as the API stores them. */
function toContextRule(rule: Rule): SegmentRule {
  return {
    type: rule.type,
    conditions: rule.conditions.map((c) => ({
      property: c.property ?? '',
      operator: c.operator satisfies ConditionOperator,
      value: c.value ?? '',
    })),
    rules: rule.rules.map(toContextRule),
  };
}
