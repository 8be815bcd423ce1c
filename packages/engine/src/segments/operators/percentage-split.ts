import { hashedPercentageOf } from '../../hashing/hashed-percentage.ts';
import { HashPrefix, HashSuffix } from '../../hashing/prepared-hash.ts';
import { pyFloat } from '../../python/py-number.ts';
import { pyStr } from '../../python/py-str.ts';
import type { PyValue } from '../../python/py-value.ts';
import type { ConditionSpec } from '../condition-spec.ts';

/** The threshold (float() of the value) and the hash prefix "<segment key>,"; false when float() fails. */
export function preparePercentageSplit(
  spec: ConditionSpec,
  value: string | null,
  segmentKey: string,
): boolean {
  const threshold = value === null ? undefined : pyFloat(value);
  if (threshold === undefined) return false;
  spec.threshold = threshold;
  spec.prefix = new HashPrefix(`${segmentKey},`);
  return true;
}

/**
 * Flagsmith parity (spec §3.5 PERCENTAGE_SPLIT, §3.6): matches when `hash([segment key, subject]) <= value`
 * (inclusive). The subject is the identity key (prepared) when the condition has no property, otherwise the
 * Python str() of the context value.
 */
export function testPercentageSplit(spec: ConditionSpec, subject: HashSuffix | PyValue): boolean {
  const prefix = spec.prefix;
  if (prefix === undefined) return false;
  const percentage =
    subject instanceof HashSuffix
      ? subject.percentage(prefix)
      : hashedPercentageOf(prefix.text, pyStr(subject));
  return percentage <= spec.threshold;
}
