import type { Condition, Operator, Rule, RuleType } from '../../api/types.ts';

/** What each operator needs and how the editor explains it. */
export const OPERATOR_INFO: Record<
  Operator,
  { label: string; needsProperty: boolean; needsValue: boolean; hint?: string }
> = {
  EQUAL: { label: 'is equal to', needsProperty: true, needsValue: true },
  NOT_EQUAL: { label: 'is not equal to', needsProperty: true, needsValue: true },
  GREATER_THAN: {
    label: 'is greater than',
    needsProperty: true,
    needsValue: true,
    hint: 'A number, or a version like 2.1.0:semver.',
  },
  GREATER_THAN_INCLUSIVE: {
    label: 'is greater than or equal to',
    needsProperty: true,
    needsValue: true,
    hint: 'A number, or a version like 2.1.0:semver.',
  },
  LESS_THAN: {
    label: 'is less than',
    needsProperty: true,
    needsValue: true,
    hint: 'A number, or a version like 2.1.0:semver.',
  },
  LESS_THAN_INCLUSIVE: {
    label: 'is less than or equal to',
    needsProperty: true,
    needsValue: true,
    hint: 'A number, or a version like 2.1.0:semver.',
  },
  CONTAINS: { label: 'contains', needsProperty: true, needsValue: true },
  NOT_CONTAINS: { label: 'does not contain', needsProperty: true, needsValue: true },
  IN: {
    label: 'is one of',
    needsProperty: true,
    needsValue: true,
    hint: 'Comma-separated values, e.g. gb,fr,de.',
  },
  REGEX: {
    label: 'matches regex',
    needsProperty: true,
    needsValue: true,
    hint: 'A regular expression, e.g. .*@example\\.com',
  },
  PERCENTAGE_SPLIT: {
    label: 'percentage split',
    needsProperty: false,
    needsValue: true,
    hint: 'Percentage of identities (0–100), by a stable hash of the identity.',
  },
  MODULO: {
    label: 'modulo',
    needsProperty: true,
    needsValue: true,
    hint: 'divisor|remainder, e.g. 2|0 for even numbers.',
  },
  IS_SET: { label: 'is set', needsProperty: true, needsValue: false },
  IS_NOT_SET: { label: 'is not set', needsProperty: true, needsValue: false },
};

export const RULE_TYPE_LABEL: Record<RuleType, string> = {
  ALL: 'All of',
  ANY: 'Any of',
  NONE: 'None of',
};

/** How deep rules may nest (a segment's own rules are level 1); the server's default VEXIL_MAX_SEGMENT_RULES_DEPTH. */
export const MAX_RULE_DEPTH = 2;

export const emptyCondition = (): Condition => ({ property: '', operator: 'EQUAL', value: '' });
export const emptyRule = (type: RuleType = 'ANY'): Rule => ({
  type,
  conditions: [emptyCondition()],
  rules: [],
});

/** A new segment: one ALL rule holding one ANY group, as Flagsmith's dashboard lays them out. */
export const newSegmentRules = (): Rule[] => [{ type: 'ALL', conditions: [], rules: [emptyRule('ANY')] }];

export function countConditions(rules: readonly Rule[]): number {
  return rules.reduce((n, r) => n + r.conditions.length + countConditions(r.rules), 0);
}

/** The rules as the API takes them: no ids, no value for operators without one, property null when unused. */
export function toWireRules(rules: readonly Rule[]): Rule[] {
  return rules.map((r) => ({
    type: r.type,
    conditions: r.conditions.map((c) => {
      const info = OPERATOR_INFO[c.operator];
      return {
        operator: c.operator,
        property: info.needsProperty ? (c.property ?? '') : c.property || null,
        value: info.needsValue ? (c.value ?? '') : null,
      };
    }),
    rules: toWireRules(r.rules),
  }));
}

/** Rules from the API (which adds ids and may send missing lists) in the editor's shape. */
export function fromWireRules(rules: readonly Partial<Rule>[] | undefined): Rule[] {
  return (rules ?? []).map((r) => ({
    type: (r.type ?? 'ALL') as RuleType,
    conditions: (r.conditions ?? []).map((c) => ({
      operator: c.operator,
      property: c.property ?? '',
      value: c.value === null || c.value === undefined ? '' : String(c.value),
    })),
    rules: fromWireRules(r.rules),
  }));
}
