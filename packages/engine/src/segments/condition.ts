import { planProperty } from '../context/property-plan.ts';
import type { HashSuffix } from '../hashing/prepared-hash.ts';
import { pyStrAny } from '../python/py-str.ts';
import type { PyValue } from '../python/py-value.ts';
import { ConditionSpec, Op, type OpCode } from './condition-spec.ts';
import { inValueStrings, testIn } from './operators/in-operator.ts';
import { prepareModulo, testModulo } from './operators/modulo.ts';
import { preparePercentageSplit, testPercentageSplit } from './operators/percentage-split.ts';
import { prepareRegex, testNotContains, testRegex } from './operators/string-operators.ts';
import { prepareTypedComparison, testTypedComparison } from './operators/typed-comparison.ts';

const TYPED: Readonly<Record<string, OpCode>> = {
  EQUAL: Op.EQUAL,
  NOT_EQUAL: Op.NOT_EQUAL,
  GREATER_THAN: Op.GREATER_THAN,
  GREATER_THAN_INCLUSIVE: Op.GREATER_THAN_INCLUSIVE,
  LESS_THAN: Op.LESS_THAN,
  LESS_THAN_INCLUSIVE: Op.LESS_THAN_INCLUSIVE,
  CONTAINS: Op.CONTAINS,
};

/** The condition value as Python's str() would see it; null when missing (Python None). */
function valueText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return value === null || value === undefined ? null : pyStrAny(value);
}

function isConditionRecord(condition: unknown): condition is Record<string, unknown> {
  return typeof condition === 'object' && condition !== null && !Array.isArray(condition);
}

/**
 * The identity of a condition: equal keys mean equal prepared conditions (same property, operator, value and,
 * for splits, segment key). Cheap next to preparing it, so a compiler can look a condition up before preparing
 * it (segments repeat conditions).
 */
export function conditionKey(condition: unknown, segmentKey: unknown): string {
  if (!isConditionRecord(condition)) return 'never';
  const plan = planProperty(condition.property);
  const operator = condition.operator;
  const value = condition.value;
  const property = plan.kind === 'none' ? '' : plan.name;
  const key = `${typeof operator}:${pyStrAny(operator)}\u0000string:${property}\u0000${typeof value}:${pyStrAny(value)}`;
  return operator === 'PERCENTAGE_SPLIT' ? `${key}:${pyStrAny(segmentKey)}` : key;
}

/**
 * Prepares a segment condition. Unknown operators and malformed conditions never match.
 */
export function prepareCondition(condition: unknown, segmentKey: unknown): ConditionSpec {
  const spec = new ConditionSpec();
  if (!isConditionRecord(condition)) return spec;
  const fields = condition;
  const plan = planProperty(fields.property);
  const operator = fields.operator;
  const value = fields.value;
  spec.plan = plan;
  spec.key = conditionKey(condition, segmentKey);
  spec.cost = 1;
  const text = valueText(value);
  spec.text = text ?? 'None';
  const typed = typeof operator === 'string' ? TYPED[operator] : undefined;
  if (operator === 'IN') {
    const values = inValueStrings(value);
    if (values !== undefined) {
      spec.op = Op.IN;
      spec.values = new Set(values);
    }
  } else if (operator === 'PERCENTAGE_SPLIT') {
    spec.cost = 10;
    if (preparePercentageSplit(spec, text, pyStrAny(segmentKey))) {
      spec.op = plan.kind === 'none' ? Op.SPLIT_ON_KEY : Op.SPLIT_ON_VALUE;
    }
  } else if (operator === 'IS_SET') {
    spec.op = Op.IS_SET;
  } else if (operator === 'IS_NOT_SET') {
    spec.op = Op.IS_NOT_SET;
  } else if (typed !== undefined) {
    spec.op = typed;
    prepareTypedComparison(spec, text);
    if (spec.semverText !== undefined) spec.cost = 3;
  } else if (operator === 'NOT_CONTAINS') {
    spec.op = Op.NOT_CONTAINS;
  } else if (operator === 'REGEX') {
    spec.cost = 5;
    if (prepareRegex(spec)) spec.op = Op.REGEX;
  } else if (operator === 'MODULO') {
    if (prepareModulo(spec, text)) spec.op = Op.MODULO;
  }
  return spec;
}

/**
 * Tests a condition against the resolved, coerced context value (spec §3.5). Order of checks as in the Python
 * engine: IN, PERCENTAGE_SPLIT, IS_NOT_SET, IS_SET, then "a None context value never matches", then the operator.
 * `identityKey` is the identity key prepared for hashing (null without an identity), used by PERCENTAGE_SPLIT when
 * the condition has no property.
 */
export function testCondition(spec: ConditionSpec, value: PyValue, identityKey: HashSuffix | null): boolean {
  switch (spec.op) {
    case Op.IN:
      return testIn(spec, value);
    case Op.SPLIT_ON_KEY:
      return identityKey !== null && testPercentageSplit(spec, identityKey);
    case Op.SPLIT_ON_VALUE:
      return value !== null && testPercentageSplit(spec, value);
    case Op.IS_NOT_SET:
      return value === null;
    case Op.IS_SET:
      return value !== null;
    case Op.NEVER:
      return false;
  }
  if (value === null) return false;
  switch (spec.op) {
    case Op.NOT_CONTAINS:
      return testNotContains(spec, value);
    case Op.REGEX:
      return testRegex(spec, value);
    case Op.MODULO:
      return testModulo(spec, value);
    default:
      return testTypedComparison(spec, value);
  }
}
