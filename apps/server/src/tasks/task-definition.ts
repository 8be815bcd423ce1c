import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';

/** What a handler learns about the run it is in. */
export interface TaskRun {
  readonly id: number;
  readonly type: string;
  /** 1 on the first run; counted at claim, so it also counts runs whose process died. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly key: string | null;
}

export interface TaskLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Everything a handler may use. Handlers run in a worker thread: `db` sends each query to the main thread, which
 * runs it on the server's own database (pg pool or PGlite), so one mechanism serves both backends.
 * Transactions work (they pin one connection); on PGlite a transaction holds the only connection, so keep it short.
 * Results are copied between threads: read large tables in keyset-paginated pages, never all at once.
 */
export interface TaskContext {
  readonly db: Kysely<Schema>;
  readonly task: TaskRun;
  readonly log: TaskLog;
}

export type TaskHandler<P> = (payload: P, ctx: TaskContext) => Promise<void>;

export interface TaskOptions<P> {
  /**
   * The URL of the module that exports this definition: always `import.meta.url`. A worker thread imports it and
   * finds the definition by its type, so definitions MUST be exported and the module MUST be free of side effects
   * (it is loaded again in every worker thread).
   */
  module: string;
  // Method syntax on purpose: its parameter is checked bivariantly, so a TaskDefinition<{ id: number }> can sit in
  // a list of TaskDefinition (the registry) while the handler itself still gets a typed payload.
  handler(payload: P, ctx: TaskContext): Promise<void>;
  /** Wall-clock limit per run; the thread is terminated when it passes. Default VEXIL_TASKS_TIMEOUT_MS. */
  timeoutMs?: number;
  /** V8 heap limit of the thread running it. Default VEXIL_TASKS_MEMORY_LIMIT_MB. */
  memoryLimitMb?: number;
  /** Runs before the task is parked. Default VEXIL_TASKS_MAX_ATTEMPTS. */
  maxAttempts?: number;
  /** 0 (first) .. 100 (last); default 50. Flagsmith's scale. */
  priority?: number;
  /**
   * 'key': every enqueue names a key, and tasks with one key coalesce. While one is queued, another enqueue adds
   * nothing (it may only move the queued one earlier or raise its priority); while one runs, at most one follow-up
   * is queued; two never run at once. So the key MUST name the whole work: the payload of a coalesced enqueue is
   * dropped. Use it for idempotent "bring X up to date" work, such as rebuilding one environment's document.
   */
  coalesce?: 'key';
}

const BRAND = Symbol.for('vexil.task-definition');

export interface TaskDefinition<P = unknown> extends Readonly<TaskOptions<P>> {
  readonly [BRAND]: true;
  readonly type: string;
}

/** Task types are dotted lower-case names, `<area>.<verb-object>`, e.g. `environment-document.rebuild`. */
export const TASK_TYPE = /^[a-z][a-z0-9_.-]{0,99}$/;

/**
 * Declares a task type. Export the result from a module without side effects, then register it in compose.ts:
 *
 * ```ts
 * export const deliverWebhook = defineTask<{ webhookId: number }>('webhooks.deliver', {
 *   module: import.meta.url,
 *   timeoutMs: 10_000,
 *   async handler({ webhookId }, { db }) { ... },
 * });
 * ```
 */
export function defineTask<P>(type: string, options: TaskOptions<P>): TaskDefinition<P> {
  if (!TASK_TYPE.test(type)) throw new Error(`task type "${type}" must match ${TASK_TYPE}`);
  if (!options.module.startsWith('file:')) {
    throw new Error(`task ${type}: module must be the file URL of its module (import.meta.url)`);
  }
  const positive = (name: string, v: number | undefined, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) {
      throw new Error(`task ${type}: ${name} must be an integer from 1 to ${max}`);
    }
  };
  positive('timeoutMs', options.timeoutMs, 86_400_000);
  positive('memoryLimitMb', options.memoryLimitMb, 65_536);
  positive('maxAttempts', options.maxAttempts, 100);
  if (
    options.priority !== undefined &&
    !(Number.isInteger(options.priority) && options.priority >= 0 && options.priority <= 100)
  ) {
    throw new Error(`task ${type}: priority must be an integer from 0 to 100`);
  }
  return Object.freeze({ ...options, type, [BRAND]: true as const });
}

export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Thrown by a handler when retrying cannot help (a payload naming nothing): the task is parked at once. */
export class PermanentTaskError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentTaskError';
  }
}
