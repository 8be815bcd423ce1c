import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseError, parse } from 'jsonc-parser';
import type { EvaluationContext, EvaluationResult } from '../../src/index.ts';

/** One Flagsmith engine-test-data case: a context and the exact result the engine must produce. */
export interface EngineTestCase {
  readonly name: string;
  readonly context: EvaluationContext;
  readonly result: EvaluationResult;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The case directory: ENGINE_TEST_DATA_DIR when set (to run the full upstream suite), else the copy shared with
 * the workspace (../shared/engine-test-data/cases, read in place, never copied into the repo).
 */
export const casesDirectory = resolve(
  process.env.ENGINE_TEST_DATA_DIR ?? join(here, '../../../../../shared/engine-test-data/cases'),
);

export function loadEngineTestCases(): EngineTestCase[] {
  return readdirSync(casesDirectory)
    .filter((file) => file.endsWith('.json') || file.endsWith('.jsonc'))
    .sort()
    .map((file) => {
      const errors: ParseError[] = [];
      const parsed = parse(readFileSync(join(casesDirectory, file), 'utf8'), errors, {
        allowTrailingComma: true,
      });
      if (errors.length > 0) throw new Error(`${file}: invalid JSONC (${errors.length} errors)`);
      return { name: file, context: parsed.context, result: parsed.result };
    });
}
