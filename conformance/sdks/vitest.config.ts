import { defineConfig } from 'vitest/config';

// The official Flagsmith SDKs (from npm, unmodified) against the servers the shared global setup starts.
export default defineConfig({
  test: {
    name: '@vexil/conformance-sdks',
    include: ['**/*.test.ts'],
    globalSetup: ['../support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
