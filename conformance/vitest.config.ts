import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@vexil/conformance',
    include: ['admin-api/**/*.test.ts'],
    // Starts the servers under test (or points at VEXIL_BASE_URL) once for the whole run.
    globalSetup: ['./support/global-setup.ts'],
    // CI only: a test that fails once is run once more, so one scheduling hiccup on the shared 2-core CI machine
    // does not block a landing. Vitest still reports the retry; a test that needs it is a bug to fix (CONTRIBUTING).
    retry: process.env.CI ? 1 : 0,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Stopping the servers lets in-flight work finish and flushes the embedded database to disk.
    teardownTimeout: 60_000,
  },
});
