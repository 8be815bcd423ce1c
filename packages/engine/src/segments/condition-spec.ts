import type { PropertyPlan } from '../context/property-plan.ts';
import type { HashPrefix } from '../hashing/prepared-hash.ts';
import type { SemVer } from './semver.ts';

/** Operation codes of prepared conditions. */
export const Op = {
  NEVER: 0,
  IS_SET: 1,
  IS_NOT_SET: 2,
  IN: 3,
  SPLIT_ON_KEY: 4,
  SPLIT_ON_VALUE: 5,
  EQUAL: 6,
  NOT_EQUAL: 7,
  GREATER_THAN: 8,
  GREATER_THAN_INCLUSIVE: 9,
  LESS_THAN: 10,
  LESS_THAN_INCLUSIVE: 11,
  CONTAINS: 12,
  NOT_CONTAINS: 13,
  REGEX: 14,
  MODULO: 15,
} as const;

export type OpCode = (typeof Op)[keyof typeof Op];

const NO_PROPERTY: PropertyPlan = { kind: 'none' };

/**
 * A segment condition prepared once (spec §3.5): where its value comes from, and everything its operator needs,
 * already parsed (casts of the value, the regex, the IN set, the modulo parts, the split threshold). One class
 * for every operator keeps the evaluation code monomorphic, which lets the JIT inline it.
 */
export class ConditionSpec {
  /** Equal keys mean equal conditions (same property, operator, value and, for splits, segment key). */
  key = 'never';
  plan: PropertyPlan = NO_PROPERTY;
  /** Relative cost; cheaper conditions are evaluated first (rule results do not depend on order). */
  cost = 0;
  op: OpCode = Op.NEVER;
  /** Python str() of the value ("None" when missing). */
  text = 'None';
  asBool = true;
  asInt: number | bigint | undefined = undefined;
  asFloat: number | undefined = undefined;
  semverText: string | undefined = undefined;
  semverTarget: SemVer | undefined = undefined;
  values: ReadonlySet<string> | undefined = undefined;
  regex: RegExp | undefined = undefined;
  divisor = 0;
  remainder = 0;
  threshold = 0;
  prefix: HashPrefix | undefined = undefined;
}
