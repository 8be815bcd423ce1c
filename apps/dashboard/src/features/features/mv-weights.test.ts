import { describe, expect, it } from 'vitest';
import type { MvOption } from '../../api/types.ts';
import { controlWeight, optionBody, optionValue, weightsOf } from './mv-weights.ts';

const option = (id: number, over: Partial<MvOption>): MvOption => ({
  id,
  type: 'unicode',
  string_value: null,
  integer_value: null,
  boolean_value: null,
  default_percentage_allocation: 10,
  key: null,
  ...over,
});

describe('multivariate weights', () => {
  it("takes the environment's allocation, else the option's default, and leaves the rest to the control", () => {
    const options = [option(1, { string_value: 'a' }), option(2, { type: 'int', integer_value: 7 })];
    const weights = weightsOf(options, [{ multivariate_feature_option: 1, percentage_allocation: 30 }]);
    expect(weights).toEqual({ 1: 30, 2: 10 });
    expect(controlWeight(weights)).toBe(60);
    expect(controlWeight({ 1: 70, 2: 40 })).toBe(-10);
    expect(controlWeight({ 1: 33.3, 2: 33.3 })).toBe(33.4);
    expect(optionValue(options[1] as MvOption)).toBe(7);
  });

  it('types new options', () => {
    expect(optionBody('5', 'number')).toEqual({ type: 'int', integer_value: 5 });
    expect(optionBody('true', 'boolean')).toEqual({ type: 'bool', boolean_value: true });
    expect(optionBody('blue', 'text')).toEqual({ type: 'unicode', string_value: 'blue' });
  });
});
