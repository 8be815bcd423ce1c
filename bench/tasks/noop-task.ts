import { defineTask } from '../../apps/server/src/tasks/index.ts';

/** The cheapest possible task: measures the queue and the thread hand-off, not a handler. */
export const noopTask = defineTask<Record<string, never>>('bench.noop', {
  module: import.meta.url,
  async handler() {},
});
