import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@vexil/test-support', include: ['src/**/*.test.ts'] },
});
