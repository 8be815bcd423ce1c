import type { PropertyPlan } from '../context/property-plan.ts';
import { isRecord } from '../context/resolve-property.ts';
import { conditionKey, prepareCondition } from '../segments/condition.ts';
import type { ConditionSpec } from '../segments/condition-spec.ts';
import { inValueStrings } from '../segments/operators/in-operator.ts';
import { insertionSort } from '../support/insertion-sort.ts';
import { pushAll } from '../support/push-all.ts';

/**
 * The environment's distinct properties (one slot each) and distinct conditions: segments repeat conditions
 * (`plan EQUAL pro` in dozens of segments), and each distinct one is evaluated at most once per identity.
 */
export class ConditionTable {
  readonly plans: PropertyPlan[] = [];
  readonly specs: ConditionSpec[] = [];
  /** The property slot of each condition. */
  readonly slots: number[] = [];
  private readonly slotIds = new Map<PropertyPlan, number>();
  private readonly ids = new Map<string, number>();

  slotOf(plan: PropertyPlan): number {
    let slot = this.slotIds.get(plan);
    if (slot === undefined) {
      slot = this.plans.push(plan) - 1;
      this.slotIds.set(plan, slot);
    }
    return slot;
  }

  /** The id of a segment condition, prepared only the first time it is seen. */
  idOf(condition: unknown, segmentKey: unknown): number {
    const key = conditionKey(condition, segmentKey);
    let id = this.ids.get(key);
    if (id === undefined) {
      const spec = prepareCondition(condition, segmentKey);
      id = this.specs.push(spec) - 1;
      this.slots.push(this.slotOf(spec.plan));
      this.ids.set(key, id);
    }
    return id;
  }

  costOf(id: number): number {
    return (this.specs[id] as ConditionSpec).cost;
  }
}

/** Quantifiers of a rule (spec §3.3); UNKNOWN for any other type: then a non-empty part never holds. */
export const ALL = 0;
export const ANY = 1;
export const NONE = 2;
export const UNKNOWN = 3;

/**
 * A compiled rule: its quantifier applies separately to its conditions (ids in the condition table) and to its
 * children; both parts must hold, and an empty part holds. Operands are sorted cheapest first (ALL/ANY/NONE do not
 * depend on order and evaluation has no side effects), so hashes and regexes run only when cheaper operands did not
 * decide. A segment is a node whose children are its rules, quantified by ALL.
 */
export class RuleNode {
  quantifier = UNKNOWN;
  conditions: readonly number[] = [];
  children: readonly RuleNode[] = [];
  /** Evaluate the children before the conditions (when they are cheaper). */
  childrenFirst = false;
  /** A malformed rule (a non-list part): never holds. */
  never = false;
  cost = 0;
}

/** A rule that never holds (a malformed rule; also stands for segments not tested through their tree). */
export const NEVER_NODE: RuleNode = Object.assign(new RuleNode(), { never: true });

function quantifierOf(type: unknown): number {
  return type === 'ALL' ? ALL : type === 'ANY' ? ANY : type === 'NONE' ? NONE : UNKNOWN;
}

/** A rule part (conditions or sub-rules): absent or empty is an empty list, a non-list is malformed. */
function part(items: unknown): readonly unknown[] | undefined {
  if (items === undefined || items === null) return [];
  return Array.isArray(items) ? items : undefined;
}

/**
 * Flattening that cannot change a result: an ALL child without conditions of an ALL node contributes its operands
 * directly (ALL(ALL(a, b), c) = ALL(a, b, c)), and an ALL or ANY node with a single operand is that operand.
 */
function node(
  quantifier: number,
  conditions: number[],
  children: RuleNode[],
  table: ConditionTable,
): RuleNode {
  const flat: RuleNode[] = [];
  for (let i = 0; i < children.length; i++) {
    const child = children[i] as RuleNode;
    const inline =
      quantifier === ALL && child.quantifier === ALL && !child.never && child.conditions.length === 0;
    if (inline) pushAll(flat, child.children);
    else flat.push(child);
  }
  const only = flat[0];
  if (
    conditions.length === 0 &&
    flat.length === 1 &&
    only !== undefined &&
    (quantifier === ALL || quantifier === ANY)
  ) {
    return only;
  }
  return build(quantifier, conditions, flat, table);
}

function build(
  quantifier: number,
  conditions: number[],
  children: RuleNode[],
  table: ConditionTable,
): RuleNode {
  const result = new RuleNode();
  result.quantifier = quantifier;
  result.conditions = insertionSort(conditions, (a, b) => table.costOf(a) - table.costOf(b));
  result.children = insertionSort(children, (a, b) => a.cost - b.cost);
  const conditionCost = conditions.reduce((sum, id) => sum + table.costOf(id) + 1, 0);
  const childCost = children.reduce((sum, child) => sum + child.cost, 0);
  result.childrenFirst = childCost < conditionCost;
  result.cost = conditionCost + childCost;
  return result;
}

function compileRule(rule: unknown, segmentKey: unknown, table: ConditionTable): RuleNode {
  if (!isRecord(rule)) return NEVER_NODE;
  const conditions = part(rule.conditions);
  const rules = part(rule.rules);
  if (conditions === undefined || rules === undefined) return NEVER_NODE;
  return node(
    quantifierOf(rule.type),
    conditions.map((condition) => table.idOf(condition, segmentKey)),
    rules.map((sub) => compileRule(sub, segmentKey, table)),
    table,
  );
}

/** Spec §3.3: a segment matches iff it has rules and all of them hold. */
export function compileSegment(segment: Record<string, unknown>, table: ConditionTable): RuleNode {
  const rules = segment.rules;
  if (!Array.isArray(rules) || rules.length === 0) return NEVER_NODE;
  return node(
    ALL,
    [],
    rules.map((rule) => compileRule(rule, segment.key, table)),
    table,
  );
}

/**
 * The identifiers of a segment that is exactly "`$.identity.identifier` IN [...]" (an identity-override segment),
 * so it can be found through an index instead of being tested: one rule (ALL or ANY), one IN condition on
 * `$.identity.identifier`, no sub-rules. Undefined for any other segment.
 */
export function identifierList(segment: Record<string, unknown>): readonly string[] | undefined {
  const rules = segment.rules;
  if (!Array.isArray(rules) || rules.length !== 1) return undefined;
  const [rule] = rules;
  if (!isRecord(rule) || (rule.type !== 'ALL' && rule.type !== 'ANY')) return undefined;
  if (
    rule.rules !== undefined &&
    rule.rules !== null &&
    !(Array.isArray(rule.rules) && rule.rules.length === 0)
  ) {
    return undefined;
  }
  const conditions = rule.conditions;
  if (!Array.isArray(conditions) || conditions.length !== 1) return undefined;
  const [condition] = conditions;
  if (!isRecord(condition) || condition.operator !== 'IN' || condition.property !== '$.identity.identifier') {
    return undefined;
  }
  return inValueStrings(condition.value);
}
