import { defineConfig } from 'vitest/config';

// Every workspace with its own vitest.config.ts is a project; `npm test` runs them all.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'conformance', 'conformance/sdks', 'bench'],
  },
});
