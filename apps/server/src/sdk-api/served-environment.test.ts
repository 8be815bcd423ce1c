import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { ServedEnvironment } from './served-environment.ts';

const SHARED_TOOLS = fileURLToPath(new URL('../../../../../shared/tools/', import.meta.url));
const run = (tool: string, ...args: string[]) =>
  execFileSync(process.execPath, [`${SHARED_TOOLS}${tool}`, ...args], { maxBuffer: 1 << 28 }).toString();

it('builds identity responses from cached byte fragments exactly as from strings, for every identity', () => {
  // The 2023 incident's environment: 300 features with segment and identity overrides and multivariate splits, so
  // identities reach many different outcomes per feature.
  const document = run('gen-env-doc.mjs');
  const served = new ServedEnvironment(
    {
      environmentId: 1,
      dataVersion: 1,
      dataUpdatedAt: new Date('2026-11-01T00:00:00Z'),
      document,
      sizeBytes: document.length,
      buildMs: 0,
      builtAt: new Date(),
    },
    new Map(),
  );
  const identities = JSON.parse(run('gen-identities.mjs', '400')) as Array<{
    identifier: string;
    traits: Record<string, string | number | boolean>;
  }>;
  const distinct = new Set<string>();
  // Twice over: the second pass is served from the fragments the first one cached.
  for (const pass of [1, 2]) {
    for (const identity of identities) {
      const flags = served.compiled.evaluateFlags(identity);
      for (const origin of ['client', 'server'] as const) {
        const fromStrings = served.identityFlagsJson(flags, origin);
        const fromFragments = `[${served
          .identityFlagsFragments(flags, origin)
          .map((b) => b.toString())
          .join(',')}]`;
        expect(fromFragments).toBe(fromStrings);
        if (pass === 1) distinct.add(fromStrings as string);
      }
    }
  }
  // The comparison means something only if identities got different flags.
  expect(distinct.size).toBeGreaterThan(100);
});
