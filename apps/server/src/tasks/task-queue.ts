import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import { type EnqueuedTask, enqueueTask } from './sql/enqueue-task.ts';
import type { TaskRegistry } from './task-registry.ts';

export type { EnqueuedTask };

export interface EnqueueSpec {
  type: string;
  /** Any JSON value. Name the work (ids), do not carry it: payloads are capped at MAX_PAYLOAD_BYTES. */
  payload: unknown;
  /** Not before this instant (scheduled changes). Default: now, by the database's clock. */
  runAt?: Date;
  /** 0 (first) .. 100 (last). Default: the definition's, else 50. */
  priority?: number;
  /** Required for, and only allowed for, task types defined with `coalesce: 'key'`. */
  key?: string;
  maxAttempts?: number;
}

/**
 * Payloads are read into the processor's memory at claim time; a cap keeps a processor's memory bounded whatever
 * a caller enqueues (the July 2023 tasks carried whole environments' worth of work).
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * Adds tasks. Works on any executor, and is meant to be called inside the caller's transaction: the task then
 * exists if and only if the caller's write committed, and processors are woken at commit (see enqueue-task.ts).
 */
export class TaskQueue {
  readonly #registry: TaskRegistry;
  readonly #onEnqueued: (type: string, coalesced: boolean) => void;

  constructor(registry: TaskRegistry, onEnqueued: (type: string, coalesced: boolean) => void = () => {}) {
    this.#registry = registry;
    this.#onEnqueued = onEnqueued;
  }

  /**
   * Enqueues a task, or folds it into the queued task with the same key (then `coalesced` is true and `id` is
   * that task's). Throws for programming errors: an unknown type, a key missing or not allowed, a bad payload.
   */
  async enqueue(executor: Kysely<Schema>, spec: EnqueueSpec): Promise<EnqueuedTask> {
    const task = this.#registry.get(spec.type);
    if (!task) throw new Error(`cannot enqueue unknown task type "${spec.type}": register it in compose.ts`);
    if (task.coalesce && !spec.key) throw new Error(`task type ${spec.type} coalesces: enqueue needs a key`);
    if (!task.coalesce && spec.key !== undefined) {
      throw new Error(`task type ${spec.type} does not coalesce: define it with coalesce: 'key' to use keys`);
    }
    if (spec.key !== undefined && spec.key.length > 500)
      throw new Error('task key longer than 500 characters');
    const payloadJson = JSON.stringify(spec.payload);
    if (payloadJson === undefined) throw new Error(`task ${spec.type}: payload is not JSON`);
    if (Buffer.byteLength(payloadJson) > MAX_PAYLOAD_BYTES) {
      throw new Error(`task ${spec.type}: payload over ${MAX_PAYLOAD_BYTES} bytes; pass ids, not data`);
    }
    if (spec.runAt !== undefined && Number.isNaN(spec.runAt.getTime()))
      throw new Error('runAt is not a date');
    const priority = spec.priority ?? task.priority;
    if (!Number.isInteger(priority) || priority < 0 || priority > 100) {
      throw new Error('priority must be an integer from 0 to 100');
    }
    const maxAttempts = spec.maxAttempts ?? task.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
      throw new Error('maxAttempts must be an integer from 1 to 100');
    }
    const result = await enqueueTask(executor, {
      type: spec.type,
      payloadJson,
      priority,
      runAt: spec.runAt ?? null,
      coalesceKey: spec.key ?? null,
      maxAttempts,
    });
    this.#onEnqueued(spec.type, result.coalesced);
    return result;
  }
}
