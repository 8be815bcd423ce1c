import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import type { Logger } from '../platform/logger.ts';
import { DbProxyHost } from './db-proxy-host.ts';
import type { TaskRun } from './task-definition.ts';
import { type FromWorker, serializeError, type ToWorker } from './worker-protocol.ts';

export interface RunRequest {
  run: TaskRun;
  module: string;
  payload: unknown;
  timeoutMs: number;
  memoryLimitMb: number;
}

/** How a run ended. Everything but 'succeeded' and 'aborted' counts as a failed attempt. */
export type RunOutcome =
  | { kind: 'succeeded' }
  | { kind: 'failed'; error: string; permanent: boolean }
  | { kind: 'timed-out'; error: string }
  | { kind: 'out-of-memory'; error: string }
  | { kind: 'crashed'; error: string }
  /** Stopped by the processor: it lost the lease, or shutdown ran out of time. */
  | { kind: 'aborted' };

const WORKER_URL = new URL('./worker-thread.ts', import.meta.url);

/**
 * Threads are reused for the next task after a normal end (success or a thrown error), so module loading is paid
 * once; a thread that was terminated (timeout, memory limit, abort) is discarded with whatever state it had.
 * Recycling after this many runs bounds what a slowly leaking handler can accumulate in a reused thread.
 */
const RUNS_PER_THREAD = 500;

/**
 * At most `size` worker threads, each running one task under its own V8 heap limit (resourceLimits) and time
 * limit. A task that exhausts either takes down only its thread: the processor's main thread, where the queue,
 * leases and HTTP live, never runs handler code. The caller MUST NOT run more than `size` tasks at once.
 */
/**
 * Sees every log line a task writes, in the main thread: how a task reports measurements (its handler runs in
 * a worker thread, the metrics registry lives here).
 */
export type TaskLogListener = (entry: {
  type: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}) => void;

export class WorkerPool {
  readonly #size: number;
  readonly #db: Kysely<Schema>;
  readonly #logger: Logger;
  readonly #onLog: TaskLogListener | undefined;
  readonly #idle: PooledThread[] = [];
  #live = 0;

  constructor(options: { size: number; db: Kysely<Schema>; logger: Logger; onLog?: TaskLogListener }) {
    this.#size = options.size;
    this.#db = options.db;
    this.#logger = options.logger;
    this.#onLog = options.onLog;
  }

  async run(request: RunRequest, signal?: AbortSignal): Promise<RunOutcome> {
    const thread = await this.#acquire(request.memoryLimitMb);
    const outcome = await thread.run(request, signal);
    if (thread.reusable && thread.runs < RUNS_PER_THREAD) this.#idle.push(thread);
    else await this.#discard(thread);
    return outcome;
  }

  /** Terminates every idle thread. Busy ones end with their runs. */
  async close(): Promise<void> {
    await Promise.all(this.#idle.splice(0).map((t) => this.#discard(t)));
  }

  async #acquire(memoryLimitMb: number): Promise<PooledThread> {
    // An idle thread can only have died on its own (a stray timer in a handler that threw later): drop it.
    for (const dead of this.#idle.filter((t) => !t.reusable)) {
      this.#idle.splice(this.#idle.indexOf(dead), 1);
      await this.#discard(dead);
    }
    const i = this.#idle.findIndex((t) => t.memoryLimitMb === memoryLimitMb);
    if (i >= 0) return this.#idle.splice(i, 1)[0] as PooledThread;
    // A thread's heap limit is fixed when it starts: replace an idle thread of another size if we are full.
    if (this.#live >= this.#size) {
      const other = this.#idle.shift();
      if (!other) throw new Error('WorkerPool: more concurrent runs than threads');
      await this.#discard(other);
    }
    this.#live++;
    return new PooledThread(memoryLimitMb, this.#db, this.#logger, this.#onLog);
  }

  async #discard(thread: PooledThread) {
    this.#live--;
    await thread.terminate();
  }
}

class PooledThread {
  readonly memoryLimitMb: number;
  readonly #worker: Worker;
  readonly #host: DbProxyHost;
  readonly #logger: Logger;
  readonly #onLog: TaskLogListener | undefined;
  readonly #exited: Promise<void>;
  runs = 0;
  reusable = true;
  #current: { settle: (o: RunOutcome) => void; type: string; id: number } | undefined;
  #fatal: RunOutcome | undefined;

  constructor(memoryLimitMb: number, db: Kysely<Schema>, logger: Logger, onLog?: TaskLogListener) {
    this.memoryLimitMb = memoryLimitMb;
    this.#logger = logger;
    this.#onLog = onLog;
    this.#host = new DbProxyHost(db);
    this.#worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb },
      // Flags of the parent (a test runner's loaders, --inspect) do not belong in task threads.
      execArgv: [],
    });
    this.#worker.on('message', (m: FromWorker) => this.#onMessage(m));
    this.#worker.on('error', (err: Error & { code?: string }) => {
      this.#fatal ??=
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { kind: 'out-of-memory', error: `exceeded its memory limit of ${this.memoryLimitMb} MB` }
          : { kind: 'crashed', error: `crashed: ${err.stack ?? err.message}` };
    });
    this.#exited = new Promise((resolve) => {
      this.#worker.on('exit', (code) => {
        this.reusable = false;
        // Whatever the thread held in the database is released before the run is reported over.
        void this.#host.closeAll().finally(() => {
          this.#finish(this.#fatal ?? { kind: 'crashed', error: `worker thread exited with code ${code}` });
          resolve();
        });
      });
    });
  }

  run(request: RunRequest, signal?: AbortSignal): Promise<RunOutcome> {
    this.runs++;
    return new Promise<RunOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#fatal ??= { kind: 'timed-out', error: `timed out after ${request.timeoutMs} ms` };
        void this.terminate();
      }, request.timeoutMs);
      const onAbort = () => {
        this.#fatal ??= { kind: 'aborted' };
        void this.terminate();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#current = {
        type: request.run.type,
        id: request.run.id,
        settle: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      if (signal?.aborted) onAbort();
      else {
        const message: ToWorker = {
          kind: 'run',
          run: request.run,
          module: request.module,
          payload: request.payload,
        };
        this.#worker.postMessage(message);
      }
    });
  }

  async terminate(): Promise<void> {
    this.reusable = false;
    await this.#worker.terminate();
    await this.#exited;
  }

  #finish(outcome: RunOutcome) {
    const current = this.#current;
    this.#current = undefined;
    current?.settle(outcome);
  }

  #onMessage(message: FromWorker) {
    switch (message.kind) {
      case 'result':
        this.#finish(
          message.ok
            ? { kind: 'succeeded' }
            : {
                kind: 'failed',
                error: message.error.stack ?? message.error.message,
                permanent: message.permanent,
              },
        );
        return;
      case 'db': {
        const { kind: _k, id, ...request } = message;
        this.#host.handle(request).then(
          (value) => this.#reply({ kind: 'db-reply', id, value }),
          (err: unknown) => this.#reply({ kind: 'db-reply', id, error: serializeError(err) }),
        );
        return;
      }
      case 'log': {
        const fields = { ...message.fields, taskId: this.#current?.id, taskType: this.#current?.type };
        this.#logger[message.level](fields, message.message);
        if (this.#current) {
          this.#onLog?.({
            type: this.#current.type,
            level: message.level,
            message: message.message,
            fields: message.fields ?? {},
          });
        }
        return;
      }
    }
  }

  #reply(message: ToWorker) {
    // After terminate() the thread is gone and postMessage does nothing: a late reply is simply dropped.
    this.#worker.postMessage(message);
  }
}
