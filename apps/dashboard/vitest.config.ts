import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@vexil/dashboard',
    include: ['src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    // Builds the dashboard, starts real servers and one Chromium for the browser tests (e2e/).
    globalSetup: ['./e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
