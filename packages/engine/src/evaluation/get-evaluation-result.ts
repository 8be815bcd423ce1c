import type { EvaluationContext } from '../context/evaluation-context.ts';
import { identityKeyValue } from '../context/identity-key.ts';
import { isRecord, resolveProperty } from '../context/resolve-property.ts';
import { hashedPercentage } from '../hashing/hashed-percentage.ts';
import { HashSuffix } from '../hashing/prepared-hash.ts';
import { pyStrAny } from '../python/py-str.ts';
import type { EvaluationResult, FlagResult, SegmentResult } from '../result/evaluation-result.ts';
import { priorityOf } from '../result/priority.ts';
import { hasMetadata, pickVariant, placeVariants } from '../result/variants.ts';
import { prepareCondition, testCondition } from '../segments/condition.ts';
import { combine } from '../segments/rule-logic.ts';

// The reference interpreter: a direct transcription of the Python engine's algorithm (spec §3.1), walking the
// context as given on every call. It favours being obviously right over speed; compileEnvironment is the fast
// path and is property-tested against this.

type Ctx = Record<string, unknown>;
type Key = HashSuffix | null;

function conditionsHold(root: Ctx, type: unknown, conditions: unknown, segmentKey: unknown, key: Key) {
  if (conditions === undefined || conditions === null) return true;
  if (!Array.isArray(conditions)) return false;
  if (conditions.length === 0) return true;
  return combine(
    type,
    conditions.map((condition) => {
      const spec = prepareCondition(condition, segmentKey);
      return testCondition(spec, resolveProperty(root, spec.plan), key);
    }),
  );
}

function ruleHolds(root: Ctx, rule: unknown, segmentKey: unknown, key: Key): boolean {
  if (!isRecord(rule)) return false;
  if (!conditionsHold(root, rule.type, rule.conditions, segmentKey, key)) return false;
  const rules = rule.rules;
  if (rules === undefined || rules === null) return true;
  if (!Array.isArray(rules)) return false;
  if (rules.length === 0) return true;
  return combine(
    rule.type,
    rules.map((sub) => ruleHolds(root, sub, segmentKey, key)),
  );
}

/** Spec §3.3: a segment matches iff it has rules and every top-level rule holds. */
function inSegment(root: Ctx, segment: Ctx, key: Key): boolean {
  const rules = segment.rules;
  return (
    Array.isArray(rules) && rules.length > 0 && rules.every((rule) => ruleHolds(root, rule, segment.key, key))
  );
}

function flagResult(feature: Ctx, reason: string, identityKey: string | null): FlagResult {
  let value = feature.value ?? null;
  let variant: string | null = null;
  let finalReason = reason;
  const variants = feature.variants;
  if (identityKey !== null && Array.isArray(variants) && variants.length > 0) {
    variant = 'control';
    const chosen = pickVariant(
      placeVariants(variants),
      hashedPercentage([pyStrAny(feature.key), identityKey]),
    );
    if (chosen !== undefined) {
      value = chosen.value;
      finalReason = chosen.reason;
      variant = chosen.key;
    }
  }
  const result = {
    name: feature.name,
    enabled: feature.enabled === true,
    value,
    reason: finalReason,
    variant,
  } as FlagResult;
  return hasMetadata(feature.metadata)
    ? { ...result, metadata: feature.metadata as FlagResult['metadata'] }
    : result;
}

/** The context with the identity key filled in (spec §3.2), as conditions and JSONPath see it. */
function enrich(context: Ctx): { root: Ctx; identityKey: string | null } {
  const identity = context.identity;
  if (!isRecord(identity)) return { root: context, identityKey: null };
  const key = identityKeyValue(context.environment, identity);
  return { root: { ...context, identity: { ...identity, key } }, identityKey: pyStrAny(key) };
}

/**
 * Evaluates every flag and every segment of an evaluation context with Flagsmith's semantics (spec §3): segment
 * membership, override priority (lowest priority number wins, identity overrides at -Infinity), multivariate
 * splits, and the exact reason strings. Pure and synchronous; malformed input never throws (a malformed condition
 * simply does not match).
 *
 * @example
 * ```ts
 * import { getEvaluationResult } from '@vexil/engine';
 *
 * const result = getEvaluationResult({
 *   environment: { key: 'n9fbf9h3v4fFgH3U3ngWhb', name: 'Production' },
 *   identity: { identifier: 'user-123', traits: { plan: 'beta' } },
 *   segments: {
 *     '16': {
 *       key: '16',
 *       name: 'beta users',
 *       rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'beta' }] }],
 *       overrides: [{ key: '81027', name: 'new_ui', enabled: true, value: 'on', priority: 0 }],
 *     },
 *   },
 *   features: { new_ui: { key: '78978', name: 'new_ui', enabled: false, value: 'off' } },
 * });
 * // result.flags.new_ui → { name: 'new_ui', enabled: true, value: 'on',
 * //                         reason: 'TARGETING_MATCH; segment=beta users', variant: null }
 * // result.segments     → [{ name: 'beta users' }]
 * ```
 */
export function getEvaluationResult(context: EvaluationContext): EvaluationResult {
  if (!isRecord(context)) return { flags: {}, segments: [] };
  const { root, identityKey } = enrich(context as unknown as Ctx);
  let preparedKey: Key = null;
  if (identityKey !== null) {
    preparedKey = new HashSuffix();
    preparedKey.set(identityKey);
  }
  const segments: SegmentResult[] = [];
  const overrides = new Map<unknown, { feature: Ctx; segmentName: unknown }>();
  const segmentContexts = root.segments;
  if (isRecord(segmentContexts)) {
    for (const segment of Object.values(segmentContexts)) {
      if (!isRecord(segment) || !inSegment(root, segment, preparedKey)) continue;
      segments.push(
        hasMetadata(segment.metadata)
          ? ({ name: segment.name, metadata: segment.metadata } as SegmentResult)
          : ({ name: segment.name } as SegmentResult),
      );
      const segmentOverrides = Array.isArray(segment.overrides) ? segment.overrides : [];
      for (const override of segmentOverrides) {
        if (!isRecord(override)) continue;
        const current = overrides.get(override.name);
        if (current === undefined || priorityOf(override) < priorityOf(current.feature)) {
          overrides.set(override.name, { feature: override, segmentName: segment.name });
        }
      }
    }
  }
  const flags: Record<string, FlagResult> = {};
  const features = root.features;
  if (isRecord(features)) {
    for (const feature of Object.values(features)) {
      if (!isRecord(feature) || typeof feature.name !== 'string') continue;
      const override = overrides.get(feature.name);
      flags[feature.name] = override
        ? flagResult(
            override.feature,
            `TARGETING_MATCH; segment=${pyStrAny(override.segmentName)}`,
            identityKey,
          )
        : flagResult(feature, 'DEFAULT', identityKey);
    }
  }
  return { flags, segments };
}
