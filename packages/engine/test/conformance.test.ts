import { describe, expect, it } from 'vitest';
import { compileContext, getEvaluationResult } from '../src/index.ts';
import { casesDirectory, loadEngineTestCases } from './support/engine-test-data.ts';

const cases = loadEngineTestCases();

describe(`engine-test-data (${casesDirectory})`, () => {
  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  describe('getEvaluationResult', () => {
    it.each(cases)('$name gives the expected result', ({ context, result }) => {
      expect(getEvaluationResult(context)).toStrictEqual(result);
    });
  });

  describe.each([true, false])(
    'compileContext(context, { generateCode: %s }).evaluate(identity)',
    (generateCode) => {
      it.each(cases)('$name gives the expected result', ({ context, result }) => {
        const compiled = compileContext(context, { generateCode });
        expect(compiled.evaluate(context.identity)).toStrictEqual(result);
        expect(JSON.parse(JSON.stringify(compiled.evaluate(context.identity)))).toStrictEqual(result);
      });
    },
  );
});
