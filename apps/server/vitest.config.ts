import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@vexil/server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    // Database tests open real Postgres databases and embedded ones; a cold PGlite start takes seconds.
    // CI only: a test that fails once is run once more, so one scheduling hiccup on the shared 2-core CI machine
    // does not block a landing. Vitest still reports the retry; a test that needs it is a bug to fix (CONTRIBUTING).
    retry: process.env.CI ? 1 : 0,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
