import type { EnvironmentChangeSink } from '../modules/environments/index.ts';
import type { TaskQueue } from '../tasks/index.ts';
import { enqueueRebuild } from './document-tasks.ts';

/**
 * The EnvironmentChangeSink of a running server: every reported environment gets a coalesced rebuild, enqueued in
 * the writing transaction, so the rebuild exists exactly when the change committed. One enqueue per environment
 * (an organisation-wide setting reports all of its environments); while a rebuild is already queued, an enqueue is
 * a no-op update of that row.
 */
export function rebuildingEnvironmentChangeSink(queue: TaskQueue): EnvironmentChangeSink {
  return {
    async environmentsChanged(trx, environmentIds) {
      for (const id of environmentIds) await enqueueRebuild(queue, trx, id);
    },
  };
}
