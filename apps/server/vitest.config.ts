import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@vexil/server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    // Database tests open real Postgres databases and embedded ones; a cold PGlite start takes seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
