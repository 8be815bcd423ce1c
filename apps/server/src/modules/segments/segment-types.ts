import type { RuleType } from '../../platform/db/schema.ts';

/** Flagsmith's condition operators (segments/models.py). */
export const OPERATORS = [
  'EQUAL',
  'GREATER_THAN',
  'LESS_THAN',
  'LESS_THAN_INCLUSIVE',
  'CONTAINS',
  'GREATER_THAN_INCLUSIVE',
  'NOT_CONTAINS',
  'NOT_EQUAL',
  'REGEX',
  'PERCENTAGE_SPLIT',
  'MODULO',
  'IS_SET',
  'IS_NOT_SET',
  'IN',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface ConditionInput {
  operator: Operator;
  property: string | null;
  value: string | null;
  description: string | null;
}

export interface RuleInput {
  type: RuleType;
  conditions: ConditionInput[];
  rules: RuleInput[];
}

export interface Condition extends ConditionInput {
  id: number;
}

export interface Rule {
  id: number;
  type: RuleType;
  conditions: Condition[];
  rules: Rule[];
}

export interface Segment {
  id: number;
  uuid: string;
  projectId: number;
  featureId: number | null;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  rules: Rule[];
}

export interface SegmentInput {
  name?: string;
  description?: string | null;
  featureId?: number | null;
  rules?: RuleInput[];
}
