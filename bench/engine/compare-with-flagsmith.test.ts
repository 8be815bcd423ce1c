import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileEnvironment, type EnvironmentDocument } from '@vexil/engine';
import { describe, expect, it } from 'vitest';
import { compareWithFlagsmith, type Identity } from './compare-with-flagsmith.ts';
import { FlagsmithNodejs, loadSdkConditionMatcher } from './flagsmith-nodejs.ts';

const tools =
  process.env.VEXIL_SHARED_TOOLS ?? fileURLToPath(new URL('../../../shared/tools/', import.meta.url));

function generate(tool: string, args: string[]): string {
  return execFileSync(process.execPath, [join(tools, tool), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
}

// A smoke test of the benchmark's comparison, on a small document: flagsmith-nodejs and @vexil/engine must give
// the same flags except where a documented difference explains it (docs/compatibility.md).
describe('@vexil/engine vs flagsmith-nodejs on a small generated environment', () => {
  it('gives identical flags for every identity except explained differences', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'vexil-bench-'));
    const documentPath = join(directory, 'doc.json');
    writeFileSync(
      documentPath,
      generate('gen-env-doc.mjs', [
        '--features',
        '20',
        '--segments',
        '40',
        '--overrides',
        '200',
        '--identity-overrides',
        '20',
      ]),
    );
    const identities = JSON.parse(generate('gen-identities.mjs', ['300'])) as Identity[];
    const document = JSON.parse(readFileSync(documentPath, 'utf8')) as EnvironmentDocument;
    const comparison = await compareWithFlagsmith(
      document,
      compileEnvironment(document),
      new FlagsmithNodejs(documentPath),
      await loadSdkConditionMatcher(),
      identities,
    );
    expect(comparison.flags).toBe(300 * 20);
    expect(comparison.differences.filter((difference) => difference.cause === 'UNEXPLAINED')).toEqual([]);
    expect(comparison.equal).toBeGreaterThan(comparison.flags * 0.95);
  });
});
