import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlagsObjectBuilder } from '../src/compiled/flags-object.ts';
import {
  compileContext,
  compileEnvironment,
  type EvaluationContext,
  environmentDocumentToContext,
  getEvaluationResult,
} from '../src/index.ts';
import { environmentDocument, identity } from './support/arbitraries.ts';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

// A segment with only cheap conditions, and one whose cheap condition can rule it out before its hash runs.
const document = {
  api_key: 'k',
  feature_states: [
    {
      feature: { id: 1, name: 'f', type: 'STANDARD' },
      enabled: false,
      feature_state_value: 'default',
      django_id: 1,
    },
  ],
  project: {
    segments: [
      {
        id: 1,
        name: 'pro',
        rules: [
          {
            type: 'ALL',
            rules: [{ type: 'ANY', conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'pro' }] }],
          },
        ],
        feature_states: [
          { feature: { id: 1, name: 'f' }, enabled: true, feature_state_value: 'pro', django_id: 2 },
        ],
      },
      {
        id: 2,
        name: 'half of free',
        rules: [
          {
            type: 'ALL',
            conditions: [
              { operator: 'EQUAL', property_: 'plan', value: 'free' },
              { operator: 'PERCENTAGE_SPLIT', property_: null, value: '50' },
            ],
          },
        ],
        feature_states: [
          { feature: { id: 1, name: 'f' }, enabled: true, feature_state_value: 'split', django_id: 3 },
        ],
      },
    ],
  },
};

describe('generated code', () => {
  it('is used by default, and not when turned off', () => {
    expect(compileEnvironment(document).usesGeneratedCode).toBe(true);
    expect(compileEnvironment(document, { generateCode: false }).usesGeneratedCode).toBe(false);
  });

  it('gives the interpreter’s results for cheap segments and for segments with a hash', () => {
    const compiled = compileEnvironment(document);
    const values = new Set<unknown>();
    for (let i = 0; i < 40; i++) {
      for (const plan of ['pro', 'free', 'basic']) {
        const id = { identifier: `user-${i}`, traits: { plan } };
        const expected = getEvaluationResult(environmentDocumentToContext(document, id));
        expect(compiled.evaluate(id)).toEqual(expected);
        values.add(expected.flags.f?.value);
      }
    }
    expect([...values].sort()).toEqual(['default', 'pro', 'split']);
  });

  it('falls back where the runtime refuses code generation, with the same results', () => {
    const samples = fc.sample(fc.tuple(environmentDocument, identity), { numRuns: 60, seed: 7 });
    const script = `
      import { compileEnvironment, environmentDocumentToContext, getEvaluationResult } from ${JSON.stringify(entry)};
      let refused = false;
      try { new Function('return 1'); } catch { refused = true; }
      const { readFileSync } = await import('node:fs');
      const samples = JSON.parse(readFileSync(0, 'utf8'));
      let generated = 0, differences = 0;
      for (const [document, identity] of samples) {
        const compiled = compileEnvironment(document);
        if (compiled.usesGeneratedCode) generated++;
        const expected = JSON.stringify(getEvaluationResult(environmentDocumentToContext(document, identity)));
        if (JSON.stringify(compiled.evaluate(identity)) !== expected) differences++;
      }
      console.log(JSON.stringify({ refused, generated, differences, count: samples.length }));`;
    const output = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script],
      { encoding: 'utf8', input: JSON.stringify(samples) },
    );
    expect(JSON.parse(output)).toEqual({ refused: true, generated: 0, differences: 0, count: 60 });
  });

  // Feature names enter the generated `flags` literal (FlagsObjectBuilder) as JSON string literals.
  const hostileNames = [
    '"}; globalThis.vexilInjected = 1; ({"',
    "'; globalThis.vexilInjected = 2; //",
    '\\',
    '\\"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a name that would run code if pasted into a template
    '`${globalThis.vexilInjected = 3}`',
    '\u2028\u2029',
    '\uD800',
    '',
    '0',
    '01',
    '-1',
    '4294967295',
    'constructor',
    'toString',
    'hasOwnProperty',
    '__proto__ ',
  ];

  function contextWith(names: readonly string[]): EvaluationContext {
    return {
      environment: { key: 'k', name: 'n' },
      features: Object.fromEntries(
        names.map((name, i) => [`key-${i}`, { key: `${i}`, name, enabled: i % 2 === 0, value: i }]),
      ),
    };
  }

  it('builds flags from a generated literal whatever the feature names, without running any of them', () => {
    expect(new FlagsObjectBuilder(hostileNames, true).generated).toBe(true);
    expect(new FlagsObjectBuilder(hostileNames, false).generated).toBe(false);
    expect(new FlagsObjectBuilder(['a', '__proto__'], true).generated).toBe(false);
    // No segment, so no cheap pass: generated code here is the flags literal that `evaluate` copies.
    expect(compileContext(contextWith(['a'])).usesGeneratedCode).toBe(true);
    expect(compileContext(contextWith(['a', '__proto__'])).usesGeneratedCode).toBe(false);
    const context = contextWith(hostileNames);
    const expected = getEvaluationResult({ ...context, identity: { identifier: 'u' } });
    const flags = compileContext(context).evaluate({ identifier: 'u' }).flags;
    expect((globalThis as { vexilInjected?: unknown }).vexilInjected).toBeUndefined();
    expect(Object.getPrototypeOf(flags)).toBe(Object.prototype);
    expect(Object.keys(flags)).toEqual(Object.keys(expected.flags));
    expect(flags).toEqual(expected.flags);
    expect(JSON.stringify(flags)).toBe(JSON.stringify(expected.flags));
  });

  it('gives each evaluation its own flags object, later names overwriting earlier ones as the interpreter does', () => {
    const context = contextWith(['x', 'y', 'x', '7', 'y']);
    const compiled = compileContext(context);
    const first = compiled.evaluate({ identifier: 'u' }).flags;
    const second = compiled.evaluate({ identifier: 'u' }).flags;
    expect(second).not.toBe(first);
    (first as Record<string, unknown>).x = 'changed';
    expect(second.x?.value).toBe(2);
    const expected = getEvaluationResult({ ...context, identity: { identifier: 'u' } }).flags;
    expect(Object.keys(second)).toEqual(['7', 'x', 'y']);
    expect(second).toEqual(expected);
  });

  it('matches the interpreter’s flags object for arbitrary feature names, with and without generated code', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 20 }), (names) => {
        const context = contextWith(names);
        const expected = getEvaluationResult({ ...context, identity: { identifier: 'u' } }).flags;
        for (const generateCode of [true, false]) {
          const flags = compileContext(context, { generateCode }).evaluate({ identifier: 'u' }).flags;
          // A feature named `__proto__` is the prototype in both (an equal flag result, not the same object).
          expect(Object.getPrototypeOf(flags)).toEqual(Object.getPrototypeOf(expected));
          expect(Object.keys(flags)).toEqual(Object.keys(expected));
          expect(flags).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
