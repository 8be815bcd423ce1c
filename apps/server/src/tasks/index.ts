/**
 * The task processor's public surface (docs/tasks.md). Other code uses tasks only through this file:
 * define a task next to its module, register it in compose.ts, enqueue it inside the transaction of the write
 * that makes it necessary.
 */
export { housekeepingTask } from './housekeeping.ts';
export { QueueStats, type QueueStatsRow } from './queue-stats.ts';
export {
  defineTask,
  PermanentTaskError,
  type TaskContext,
  type TaskDefinition,
  type TaskHandler,
  type TaskLog,
  type TaskOptions,
  type TaskRun,
} from './task-definition.ts';
export { createTaskMetrics, type TaskMetrics } from './task-metrics.ts';
export { startTaskProcessor, type TaskProcessor, type TaskProcessorOptions } from './task-processor.ts';
export { type EnqueuedTask, type EnqueueSpec, MAX_PAYLOAD_BYTES, TaskQueue } from './task-queue.ts';
export { type QueueThresholds, taskQueueCheck } from './task-readiness.ts';
export { loadTestTaskModules, type TaskDefaults, TaskRegistry } from './task-registry.ts';
export { registerTaskRoutes } from './task-routes.ts';
export type { Schedule } from './task-schedules.ts';
export type { TaskLogListener } from './worker-pool.ts';
