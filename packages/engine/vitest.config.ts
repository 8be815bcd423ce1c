import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@vexil/engine',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
  },
});
