import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileContext,
  compileEnvironment,
  type EvaluationContext,
  type EvaluationResult,
  environmentDocumentToContext,
  getEvaluationResult,
} from '../src/index.ts';
import { environmentDocument, identity } from './support/arbitraries.ts';

function plain(result: EvaluationResult): unknown {
  return JSON.parse(JSON.stringify(result));
}

describe('compileEnvironment(document).evaluate(identity)', () => {
  it('equals getEvaluationResult(environmentDocumentToContext(document, identity)) — deep and as JSON', () => {
    fc.assert(
      fc.property(
        environmentDocument,
        fc.array(identity, { minLength: 1, maxLength: 4 }),
        (document, identities) => {
          // Both with generated code (the default) and with its fallback.
          const compiled = [
            compileEnvironment(document),
            compileEnvironment(document, { generateCode: false }),
          ];
          for (const id of identities) {
            const expected = getEvaluationResult(environmentDocumentToContext(document, id));
            for (const environment of compiled) {
              const actual = environment.evaluate(id);
              expect(actual).toEqual(expected);
              expect(plain(actual)).toEqual(plain(expected));
              expect(environment.evaluateFlags(id)).toEqual(Object.values(expected.flags));
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('without an identity equals the environment defaults, and environmentResult equals evaluate()', () => {
    fc.assert(
      fc.property(environmentDocument, (document) => {
        const compiled = compileEnvironment(document);
        const expected = getEvaluationResult(environmentDocumentToContext(document));
        expect(compiled.evaluate()).toEqual(expected);
        expect(compiled.environmentResult).toEqual(expected);
        expect(Object.isFrozen(compiled.environmentResult.flags)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('evaluateSegments(identity) equals evaluate(identity).segments', () => {
    fc.assert(
      fc.property(environmentDocument, fc.option(identity, { nil: undefined }), (document, id) => {
        for (const generateCode of [true, false]) {
          const compiled = compileEnvironment(document, { generateCode });
          expect(compiled.evaluateSegments(id)).toEqual(compiled.evaluate(id).segments);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('evaluateFlag(name, identity) equals evaluate(identity).flags[name]', () => {
    fc.assert(
      fc.property(environmentDocument, identity, (document, id) => {
        const compiled = compileEnvironment(document);
        const all = compiled.evaluate(id).flags;
        for (const name of compiled.featureNames) expect(compiled.evaluateFlag(name, id)).toEqual(all[name]);
        expect(compiled.evaluateFlag('no-such-feature', id)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it('a result read after later evaluations still reports its own segments (memo tables are reused)', () => {
    fc.assert(
      fc.property(environmentDocument, identity, identity, (document, first, second) => {
        const compiled = compileEnvironment(document);
        const early = compiled.evaluate(first);
        compiled.evaluate(second);
        compiled.evaluateFlag(compiled.featureNames[0] ?? '', second);
        expect(early.segments).toEqual(
          getEvaluationResult(environmentDocumentToContext(document, first)).segments,
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('CompiledEnvironment results', () => {
  it('are snapshots: changing the traits after evaluate does not change the lazily computed segments', () => {
    const document = {
      api_key: 'k',
      project: {
        segments: [
          {
            id: 1,
            name: 'pro',
            rules: [{ type: 'ALL', conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'pro' }] }],
          },
        ],
      },
    };
    const traits: Record<string, string> = { plan: 'pro' };
    const result = compileEnvironment(document).evaluate({ identifier: 'u', traits });
    traits.plan = 'free';
    expect(result.segments).toEqual([{ name: 'pro', metadata: { source: 'api', id: 1 } }]);
  });

  it('expose segments as an own enumerable property that can be replaced', () => {
    const result = compileEnvironment({ api_key: 'k' }).evaluate({ identifier: 'u' });
    expect(Object.keys(result)).toEqual(['flags', 'segments']);
    expect({ ...result }).toEqual({ flags: {}, segments: [] });
    (result as { segments: unknown }).segments = ['replaced'];
    expect(result.segments).toEqual(['replaced']);
  });

  it('share frozen flag objects between evaluations', () => {
    const document = {
      api_key: 'k',
      feature_states: [{ feature: { id: 1, name: 'f' }, enabled: true, feature_state_value: 1 }],
    };
    const compiled = compileEnvironment(document);
    const flag = compiled.evaluate({ identifier: 'a' }).flags.f;
    expect(Object.isFrozen(flag)).toBe(true);
    expect(compiled.evaluate({ identifier: 'b' }).flags.f).toBe(flag);
  });

  it('return flags as an ordinary object, also for a feature named __proto__ (as the interpreter does)', () => {
    // Object.fromEntries (like JSON.parse) makes `__proto__` an own key of `features`.
    const context: EvaluationContext = {
      environment: { key: 'k', name: 'n' },
      features: Object.fromEntries(
        ['a', '__proto__', 'b'].map((name, i) => [name, { key: `${i}`, name, enabled: true, value: i }]),
      ),
    };
    expect(Object.keys(context.features ?? {})).toContain('__proto__');
    const expected = getEvaluationResult({ ...context, identity: { identifier: 'u' } }).flags;
    const flags = compileContext(context).evaluate({ identifier: 'u' }).flags;
    // The interpreter's `flags.__proto__ = flag` sets the prototype; the compiled result must do the same.
    expect(Object.getPrototypeOf(expected)).not.toBe(Object.prototype);
    expect(Object.getPrototypeOf(flags)).toEqual(Object.getPrototypeOf(expected));
    expect(Object.keys(flags)).toEqual(Object.keys(expected));
    expect(flags).toEqual(expected);

    const ordinary = compileEnvironment({
      api_key: 'k',
      feature_states: [{ feature: { id: 1, name: 'a' }, enabled: true, feature_state_value: 1 }],
    });
    for (const result of [ordinary.evaluate({ identifier: 'u' }), ordinary.evaluate()]) {
      expect(Object.getPrototypeOf(result.flags)).toBe(Object.prototype);
      expect(Object.keys(result.flags)).toEqual(['a']);
      expect(Object.hasOwn(result.flags, 'a')).toBe(true);
    }
  });
});

describe('CompiledEnvironment.evaluateFlags', () => {
  it('lists the same flag results as evaluate(identity).flags, in featureNames order', () => {
    fc.assert(
      fc.property(environmentDocument, fc.option(identity, { nil: undefined }), (document, id) => {
        const compiled = compileEnvironment(document);
        const flags = compiled.evaluate(id).flags;
        expect(compiled.evaluateFlags(id)).toEqual(compiled.featureNames.map((name) => flags[name]));
      }),
      { numRuns: 100 },
    );
  });
});

let segmentId = 1;

describe('CompiledEnvironment edge paths', () => {
  it('compileContext without an identity: overrides with and without variants that cannot be chosen', () => {
    const matchesWithoutIdentity = [
      {
        type: 'ALL' as const,
        conditions: [{ property: '$.environment.name', operator: 'EQUAL' as const, value: 'Production' }],
      },
    ];
    const context = {
      environment: { key: 'k', name: 'Production' },
      segments: {
        '1': {
          key: '1',
          name: 'prod',
          rules: matchesWithoutIdentity,
          overrides: [
            { key: 'a', name: 'plain', enabled: true, value: 'prod' },
            // Variants of weight 0: none can be chosen, so with an identity the variant is "control", without one null.
            {
              key: 'b',
              name: 'unreachable',
              enabled: true,
              value: 'prod',
              variants: [{ value: 'v', weight: 0, priority: 1 }],
            },
          ],
        },
      },
      features: {
        plain: { key: 'p', name: 'plain', enabled: false, value: 'default' },
        unreachable: { key: 'u', name: 'unreachable', enabled: false, value: 'default' },
      },
    };
    for (const generateCode of [true, false]) {
      const compiled = compileContext(context, { generateCode });
      expect(compiled.evaluate()).toEqual(getEvaluationResult(context));
      expect(compiled.evaluate().flags.unreachable?.variant).toBeNull();
      const identity = { identifier: 'u' };
      expect(compiled.evaluate(identity)).toEqual(getEvaluationResult({ ...context, identity }));
    }
  });

  it('compileContext: environmentResult includes segments that match without an identity (frozen)', () => {
    const context = {
      environment: { key: 'k', name: 'Production' },
      segments: {
        '1': {
          key: '1',
          name: 'prod',
          rules: [
            {
              type: 'ALL' as const,
              conditions: [
                { property: '$.environment.name', operator: 'EQUAL' as const, value: 'Production' },
              ],
            },
          ],
          overrides: [{ key: 'o', name: 'f', enabled: true, value: 'prod' }],
        },
      },
      features: { f: { key: 'f', name: 'f', enabled: false, value: 'default' } },
    };
    const compiled = compileContext(context);
    expect(compiled.environmentResult).toEqual(getEvaluationResult(context));
    expect(compiled.environmentResult.segments).toEqual([{ name: 'prod' }]);
    expect(Object.isFrozen(compiled.environmentResult.segments[0])).toBe(true);
    expect(compiled.evaluateFlag('f')).toEqual(getEvaluationResult(context).flags.f);
  });

  it('an ordinary segment at priority -Infinity listed before an identity override still wins', () => {
    const context = {
      environment: { key: 'k', name: 'n' },
      segments: {
        '1': {
          key: '1',
          name: 'first',
          rules: [
            {
              type: 'ALL' as const,
              conditions: [{ property: 'plan', operator: 'EQUAL' as const, value: 'pro' }],
            },
          ],
          overrides: [
            { key: 'a', name: 'f', enabled: true, value: 'segment', priority: Number.NEGATIVE_INFINITY },
          ],
        },
        ids: {
          key: '',
          name: 'identity_overrides',
          rules: [
            {
              type: 'ALL' as const,
              conditions: [{ property: '$.identity.identifier', operator: 'IN' as const, value: ['u'] }],
            },
          ],
          overrides: [
            { key: '', name: 'f', enabled: true, value: 'identity', priority: Number.NEGATIVE_INFINITY },
          ],
        },
      },
      features: { f: { key: 'f', name: 'f', enabled: false, value: 'default' } },
    };
    const compiled = compileContext(context);
    for (const traits of [{ plan: 'pro' }, { plan: 'free' }]) {
      const identity = { identifier: 'u', traits };
      expect(compiled.evaluate(identity)).toEqual(getEvaluationResult({ ...context, identity }));
    }
    expect(compiled.evaluate({ identifier: 'u', traits: { plan: 'pro' } }).flags.f?.value).toBe('segment');
  });

  it('features that share a name all get the overrides of that name, ranked by priority then context order', () => {
    const rule = (value: string) => ({
      type: 'ALL' as const,
      conditions: [{ property: 'plan', operator: 'EQUAL' as const, value }],
    });
    const override = (value: string, priority?: number) => ({
      key: value,
      name: 'f',
      enabled: true,
      value,
      priority,
    });
    const context = {
      environment: { key: 'k', name: 'n' },
      segments: {
        '1': { key: '1', name: 'one', rules: [rule('pro')], overrides: [override('one', 2)] },
        '2': { key: '2', name: 'two', rules: [rule('pro')], overrides: [override('two', 1)] },
        '3': { key: '3', name: 'three', rules: [rule('free')], overrides: [override('three')] },
      },
      features: {
        x: { key: 'x', name: 'f', enabled: false, value: 'x' },
        y: { key: 'y', name: 'f', enabled: false, value: 'y' },
      },
    };
    const compiled = compileContext(context);
    const cases: [Record<string, string>, string[]][] = [
      [{ plan: 'pro' }, ['two', 'two']],
      [{ plan: 'free' }, ['three', 'three']],
      [{}, ['x', 'y']],
    ];
    for (const [traits, values] of cases) {
      const identity = { identifier: 'u', traits };
      expect(compiled.evaluate(identity)).toEqual(getEvaluationResult({ ...context, identity }));
      expect(compiled.evaluateFlags(identity).map((flag) => flag.value)).toEqual(values);
    }
  });

  it('finds identity overrides whose identifier reads as a big int', () => {
    const document = {
      api_key: 'k',
      feature_states: [{ feature: { id: 1, name: 'f' }, enabled: false, feature_state_value: 'default' }],
      identity_overrides: [
        {
          identifier: '12345678901234567890',
          identity_features: [{ feature: { id: 1, name: 'f' }, enabled: true, feature_state_value: 'big' }],
        },
      ],
    };
    const identity = { identifier: '12345678901234567890' };
    expect(compileEnvironment(document).evaluate(identity)).toEqual(
      getEvaluationResult(environmentDocumentToContext(document, identity)),
    );
    expect(compileEnvironment(document).evaluate(identity).flags.f?.value).toBe('big');
  });

  it('keeps giving the interpreter answers across the memo-table epoch wrap-around', () => {
    const document = {
      api_key: 'k',
      project: {
        segments: [
          {
            id: 1,
            name: 's',
            rules: [{ type: 'ALL', conditions: [{ operator: 'EQUAL', property_: 'p', value: 'x' }] }],
          },
        ],
      },
    };
    const compiled = compileEnvironment(document);
    (compiled as unknown as { scratch: { epoch: number } }).scratch.epoch = 0x3fffffff - 1;
    for (const p of ['x', 'y', 'x', 'y']) {
      const identity = { identifier: 'u', traits: { p } };
      expect(compiled.evaluate(identity).segments).toEqual(
        getEvaluationResult(environmentDocumentToContext(document, identity)).segments,
      );
    }
    // A result whose `segments` is first read once the epoch has come round to its own number again, after an
    // evaluation of another identity, still describes its own identity.
    const x = { identifier: 'u', traits: { p: 'x' } };
    const scratch = (compiled as unknown as { scratch: { epoch: number } }).scratch;
    scratch.epoch = 0x3fffffff - 1;
    const first = compiled.evaluate(x); // the last epoch before the wrap
    compiled.evaluate({ identifier: 'u', traits: { p: 'y' } }); // wraps round
    scratch.epoch = 0x3fffffff - 1;
    compiled.evaluate({ identifier: 'u', traits: { p: 'y' } }); // the same epoch number as `first`
    const expected = getEvaluationResult(environmentDocumentToContext(document, x)).segments;
    expect(expected).toHaveLength(1);
    expect(first.segments).toEqual(expected);
  });

  it('compares numbers with numbers as the interpreter does (the fast path of the cheap-condition pass)', () => {
    const ordered = ['GREATER_THAN', 'LESS_THAN'].flatMap((operator) => [operator, `${operator}_INCLUSIVE`]);
    const operators = ['EQUAL', 'NOT_EQUAL', ...ordered];
    const values = [
      '3',
      '3.0',
      '3.5',
      '-1',
      '0',
      'abc',
      '1e3',
      'nan',
      'inf',
      '9007199254740993',
      '1.0:semver',
    ];
    const segments = operators.flatMap((operator) =>
      values.map((value) => ({
        id: segmentId++,
        name: `${operator} ${value}`,
        rules: [{ type: 'ALL', conditions: [{ operator, property_: 'n', value }] }],
      })),
    );
    const document = { api_key: 'k', project: { segments } };
    const compiled = compileEnvironment(document);
    const traits = [3, 3.5, 0, -0, -1, 1000, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '3', '3.0', true];
    for (const n of traits) {
      const identity = { identifier: 'u', traits: { n } };
      const expected = getEvaluationResult(environmentDocumentToContext(document, identity)).segments;
      expect(compiled.evaluate(identity).segments).toEqual(expected);
    }
    expect(segments.length).toBe(66);
  });
});
