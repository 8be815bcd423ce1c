import type { TaskRun } from './task-definition.ts';

/** Messages between the processor (main thread) and a task's worker thread. Structured-cloned, so plain data. */

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Postgres SQLSTATE for database errors, so handlers can tell a unique violation from an outage. */
  code?: string;
}

export type ToWorker =
  | { kind: 'run'; run: TaskRun; module: string; payload: unknown }
  | { kind: 'db-reply'; id: number; value?: unknown; error?: SerializedError };

export type DbRequest =
  | { op: 'query'; session: number | null; sql: string; parameters: readonly unknown[] }
  /** Reserve one connection (for a transaction); replies with a session number. */
  | { op: 'pin' }
  | { op: 'unpin'; session: number };

export type FromWorker =
  | { kind: 'result'; ok: true }
  | { kind: 'result'; ok: false; error: SerializedError; permanent: boolean }
  | ({ kind: 'db'; id: number } & DbRequest)
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

export interface QueryReply {
  rows: unknown[];
  numAffectedRows?: bigint;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      ...(err.stack ? { stack: err.stack } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}
