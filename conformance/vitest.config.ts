import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@vexil/conformance',
    include: ['admin-api/**/*.test.ts'],
    // Starts the servers under test (or points at VEXIL_BASE_URL) once for the whole run.
    globalSetup: ['./support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Stopping the servers lets in-flight work finish and flushes the embedded database to disk.
    teardownTimeout: 60_000,
  },
});
