import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@vexil/bench',
    include: ['engine/**/*.test.ts', 'support/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
