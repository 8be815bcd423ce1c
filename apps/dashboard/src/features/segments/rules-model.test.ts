import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../../api/types.ts';
import {
  countConditions,
  fromWireRules,
  newSegmentRules,
  OPERATOR_INFO,
  toWireRules,
} from './rules-model.ts';

describe('segment rules in the editor', () => {
  it('explains every operator the API has', () => {
    expect(OPERATORS).toHaveLength(14);
    for (const op of OPERATORS) expect(OPERATOR_INFO[op].label).not.toBe('');
  });

  it('starts a new segment as one ALL rule holding one ANY group with an empty condition', () => {
    expect(newSegmentRules()).toEqual([
      {
        type: 'ALL',
        conditions: [],
        rules: [{ type: 'ANY', conditions: [{ property: '', operator: 'EQUAL', value: '' }], rules: [] }],
      },
    ]);
  });

  it('sends no value for IS_SET and no property for a percentage split, and keeps nesting', () => {
    const wire = toWireRules([
      {
        type: 'ALL',
        conditions: [],
        rules: [
          {
            type: 'NONE',
            conditions: [
              { property: 'email', operator: 'IS_SET', value: 'left over' },
              { property: '', operator: 'PERCENTAGE_SPLIT', value: '25' },
              { property: 'country', operator: 'IN', value: 'fr,be' },
            ],
            rules: [],
          },
        ],
      },
    ]);
    expect(wire[0]?.rules[0]?.conditions).toEqual([
      { property: 'email', operator: 'IS_SET', value: null },
      { property: null, operator: 'PERCENTAGE_SPLIT', value: '25' },
      { property: 'country', operator: 'IN', value: 'fr,be' },
    ]);
    expect(countConditions(wire)).toBe(3);
  });

  it('reads what the API sends (ids, nulls, missing lists) into the editor shape', () => {
    const rules = fromWireRules([
      {
        type: 'ALL',
        rules: [{ type: 'ANY', conditions: [{ operator: 'IS_NOT_SET', property: 'plan', value: null }] }],
      } as never,
    ]);
    expect(rules).toEqual([
      {
        type: 'ALL',
        conditions: [],
        rules: [
          { type: 'ANY', conditions: [{ operator: 'IS_NOT_SET', property: 'plan', value: '' }], rules: [] },
        ],
      },
    ]);
  });
});
