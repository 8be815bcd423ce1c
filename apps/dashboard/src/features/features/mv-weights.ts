import type { MvOption, MvStateValue } from '../../api/types.ts';

export function optionValue(o: MvOption): string | number | boolean | null {
  if (o.type === 'int') return o.integer_value;
  if (o.type === 'bool') return o.boolean_value;
  return o.string_value;
}

/** Each option's weight in an environment (its state's allocation, else the option's default). */
export function weightsOf(
  options: readonly MvOption[],
  values: readonly MvStateValue[],
): Record<number, number> {
  const out: Record<number, number> = {};
  for (const o of options) {
    out[o.id] =
      values.find((v) => v.multivariate_feature_option === o.id)?.percentage_allocation ??
      o.default_percentage_allocation;
  }
  return out;
}

/** What is left for the control value (the feature's own value); negative when the weights add up past 100. */
export function controlWeight(weights: Record<number, number>): number {
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  return Math.round((100 - sum) * 1000) / 1000;
}

/** The typed fields of a new option from what was typed: whole numbers and true/false keep their type. */
export function optionBody(text: string, kind: 'text' | 'number' | 'boolean'): Partial<MvOption> {
  if (kind === 'number') return { type: 'int', integer_value: Number(text) };
  if (kind === 'boolean') return { type: 'bool', boolean_value: text === 'true' };
  return { type: 'unicode', string_value: text };
}
