import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@vexil/dashboard',
    include: ['src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    // Builds the dashboard, starts real servers and one Chromium for the browser tests (e2e/).
    globalSetup: ['./e2e/global-setup.ts'],
    // CI only: a test that fails once is run once more, so one scheduling hiccup on the shared 2-core CI machine
    // does not block a landing. Vitest still reports the retry; a test that needs it is a bug to fix (CONTRIBUTING).
    retry: process.env.CI ? 1 : 0,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
