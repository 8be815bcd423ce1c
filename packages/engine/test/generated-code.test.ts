import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEnvironment, environmentDocumentToContext, getEvaluationResult } from '../src/index.ts';
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
});
