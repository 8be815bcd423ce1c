import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileContext,
  compileEnvironment,
  type EnvironmentDocument,
  type EvaluationContext,
  environmentDocumentToContext,
  getEvaluationResult,
  type IdentityInput,
} from '../src/index.ts';
import { environmentDocument } from './support/arbitraries.ts';
import { inSegment } from './support/single-condition.ts';

/** JSON, with bigints (which JSON.stringify rejects) written as text. */
function serialize(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

// Garbage where structure is expected: any JSON value, or a valid document with one part replaced by junk.
const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(undefined, Number.NaN, -0, 2n ** 70n));

const corruptedDocument = fc
  .tuple(environmentDocument, fc.array(fc.tuple(fc.nat(), junk), { maxLength: 3 }))
  .map(([document, corruptions]) => {
    // Replace values at random paths with junk.
    const copy = structuredClone(document) as unknown as Record<string, unknown>;
    for (const [seed, value] of corruptions) {
      const paths: [Record<string, unknown>, string][] = [];
      const visit = (node: unknown): void => {
        if (typeof node !== 'object' || node === null) return;
        for (const key of Object.keys(node)) {
          paths.push([node as Record<string, unknown>, key]);
          visit((node as Record<string, unknown>)[key]);
        }
      };
      visit(copy);
      const target = paths[seed % Math.max(paths.length, 1)];
      if (target) target[0][target[1]] = value;
    }
    return copy as EnvironmentDocument;
  });

describe('malformed input never throws', () => {
  it('getEvaluationResult and compileContext(...).evaluate accept any JSON value as a context', () => {
    fc.assert(
      fc.property(junk, junk, (context, identity) => {
        const result = getEvaluationResult(context as unknown as EvaluationContext);
        expect(result).toHaveProperty('flags');
        const compiled = compileContext(context as unknown as EvaluationContext);
        const evaluated = compiled.evaluate(identity as unknown as IdentityInput);
        expect(Array.isArray(evaluated.segments)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('corrupted documents map, compile and evaluate without throwing, and both paths still agree', () => {
    fc.assert(
      fc.property(corruptedDocument, junk, (document, traits) => {
        const identity = { identifier: 'user-1', traits } as IdentityInput;
        const expected = getEvaluationResult(environmentDocumentToContext(document, identity));
        const actual = compileEnvironment(document).evaluate(identity);
        expect(serialize(actual)).toBe(serialize(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('any trait values, including non-scalars, never throw', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (traits) => {
        const context = {
          environment: { key: 'k', name: 'n' },
          identity: { identifier: 'u', traits },
          segments: {
            '1': {
              key: '1',
              name: 's',
              rules: [
                {
                  type: 'ANY',
                  conditions: Object.keys(traits).map((property) => ({
                    property,
                    operator: 'REGEX',
                    value: '.*',
                  })),
                },
              ],
            },
          },
        } as unknown as EvaluationContext;
        expect(() => getEvaluationResult(context)).not.toThrow();
        expect(compileContext(context).evaluate(context.identity).segments).toEqual(
          getEvaluationResult(context).segments,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('malformed conditions follow the spec: the condition does not match', () => {
  const huge = 'x'.repeat(1_000_000);

  it.each([
    ['an invalid regex', { property: 'p', operator: 'REGEX', value: '(' }, { p: 'anything' }],
    ['a regex Python rejects', { property: 'p', operator: 'REGEX', value: '\\e' }, { p: 'e' }],
    [
      'a non-numeric value for an int trait',
      { property: 'p', operator: 'NOT_EQUAL', value: 'ten' },
      { p: 10 },
    ],
    ['a non-numeric split value', { property: '', operator: 'PERCENTAGE_SPLIT', value: 'most' }, {}],
    ['a malformed modulo', { property: 'p', operator: 'MODULO', value: '|' }, { p: 4 }],
    ['a missing operator', { property: 'p', value: 'x' }, { p: 'x' }],
    ['a null IN value', { property: 'p', operator: 'IN', value: null }, { p: 'None' }],
    ['a huge trait against a regex', { property: 'p', operator: 'REGEX', value: 'y' }, { p: huge }],
    ['a huge trait against EQUAL', { property: 'p', operator: 'EQUAL', value: 'y' }, { p: huge }],
    ['a huge value against IN', { property: 'p', operator: 'IN', value: huge }, { p: 'y' }],
    [
      'a huge non-SemVer',
      { property: 'p', operator: 'EQUAL', value: '1.0.0:semver' },
      { p: `1.0.0-${huge}!` },
    ],
  ])('%s', (_, condition, traits) => {
    expect(inSegment(condition, traits)).toBe(false);
  });

  it('huge strings still match where they should', () => {
    expect(inSegment({ property: 'p', operator: 'CONTAINS', value: 'xx' }, { p: huge })).toBe(true);
    expect(inSegment({ property: 'p', operator: 'REGEX', value: 'x+$' }, { p: huge })).toBe(true);
    expect(
      inSegment({ property: '', operator: 'PERCENTAGE_SPLIT', value: '100' }, {}, { identifier: huge }),
    ).toBe(true);
  });

  it('a rule of unknown type, or a rule part that is not a list, does not hold', () => {
    expect(inSegment({ property: 'p', operator: 'IS_SET', value: '' }, { p: 1 })).toBe(true);
    const base = { environment: { key: 'k', name: 'n' }, identity: { identifier: 'u', traits: { p: 1 } } };
    for (const rules of [
      [{ type: 'SOME', conditions: [{ property: 'p', operator: 'IS_SET', value: '' }] }],
      [{ type: 'ALL', conditions: 'p IS_SET' }],
      [{ type: 'ALL', rules: { type: 'ALL' } }],
      [],
      'ALL',
    ]) {
      const context = {
        ...base,
        segments: { '1': { key: '1', name: 's', rules } },
      } as unknown as EvaluationContext;
      expect(getEvaluationResult(context).segments).toEqual([]);
      expect(compileContext(context).evaluate(context.identity).segments).toEqual([]);
    }
  });

  it('huge rules, regexes and arrays do not overflow the stack (no argument spreads of input-sized arrays)', () => {
    const many = 200_000;
    const conditions = Array.from({ length: many }, (_, i) => ({
      property: 'plan',
      operator: 'EQUAL',
      value: `v${i}`,
    }));
    const rules = [
      { type: 'ANY', conditions }, // one rule, 200,000 conditions
      {
        type: 'ALL',
        rules: Array.from({ length: many }, () => ({ type: 'ALL', conditions: conditions.slice(0, 1) })),
      },
    ];
    for (const rule of rules) {
      const context = {
        environment: { key: 'k', name: 'n' },
        identity: { identifier: 'u', traits: { plan: 'v0' } },
        segments: { '1': { key: '1', name: 's', rules: [rule] } },
      } as unknown as EvaluationContext;
      const expected = [{ name: 's' }]; // plan v0 is the first condition of both
      expect(getEvaluationResult(context).segments).toEqual(expected);
      for (const generateCode of [true, false]) {
        expect(compileContext(context, { generateCode }).evaluate(context.identity).segments).toEqual(
          expected,
        );
      }
    }
    // A regex of 200,000 alternatives and a JSONPath wildcard over a 200,000-item value: evaluated, no throw.
    expect(
      inSegment(
        { property: 'plan', operator: 'REGEX', value: Array(many).fill('a').join('|') },
        { plan: 'a' },
      ),
    ).toBe(true);
    const big = Array.from({ length: many }, (_, i) => i);
    expect(() =>
      inSegment({ property: '$.identity.traits.big[*]', operator: 'IS_SET', value: '' }, { big } as never),
    ).not.toThrow();
  }, 60_000); // 200,000-item inputs through both paths: seconds on a slow, shared machine

  it('a rule of unknown type with no conditions and no sub-rules holds (Python never reads its type)', () => {
    const context = {
      environment: { key: 'k', name: 'n' },
      identity: { identifier: 'u' },
      segments: { '1': { key: '1', name: 's', rules: [{ type: 'SOME' }] } },
    } as unknown as EvaluationContext;
    expect(getEvaluationResult(context).segments).toEqual([{ name: 's' }]);
    expect(compileContext(context).evaluate(context.identity).segments).toEqual([{ name: 's' }]);
  });
});
