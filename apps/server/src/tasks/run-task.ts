import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import type { Logger } from '../platform/logger.ts';
import type { CompletionBatcher } from './completion-batcher.ts';
import type { Backoff } from './sql/backoff.ts';
import type { ClaimedTask } from './sql/claim-tasks.ts';
import type { RunFence } from './sql/complete-task.ts';
import { type RequeuedTask, requeueTasks } from './sql/requeue-tasks.ts';
import type { RunOutcomeLabel, TaskMetrics } from './task-metrics.ts';
import type { ResolvedTask } from './task-registry.ts';
import type { RunOutcome, WorkerPool } from './worker-pool.ts';

export interface RunDeps {
  db: Kysely<Schema>;
  pool: WorkerPool;
  completions: CompletionBatcher;
  owner: string;
  backoff: Backoff;
  logger: Logger;
  metrics: TaskMetrics | undefined;
}

/** Why the processor stops a run it started: another process owns the task now, or shutdown ran out of time. */
export type AbortReason = 'lease-lost' | 'shutdown';

export interface InFlightRun {
  readonly fence: RunFence;
  readonly type: string;
  abort(reason: AbortReason): void;
  /** Settles when the handler's thread is done with it: the thread can take the next task. */
  readonly threadDone: Promise<void>;
  /** Settles once the outcome is written (or writing it failed, which the lease then repairs). */
  readonly done: Promise<void>;
}

/** last_error holds a stack trace at most; a handler that throws a megabyte of text does not get to store it. */
const MAX_ERROR_CHARS = 8_000;

/** Runs one claimed task in the pool and records how it ended. */
export function startRun(deps: RunDeps, task: ResolvedTask, claimed: ClaimedTask): InFlightRun {
  const fence: RunFence = { id: claimed.id, attempt: claimed.attempts, owner: deps.owner };
  const controller = new AbortController();
  let reason: AbortReason | undefined;
  const started = performance.now();
  const outcome = deps.pool.run(
    {
      run: {
        id: claimed.id,
        type: claimed.type,
        attempt: claimed.attempts,
        maxAttempts: claimed.max_attempts,
        key: claimed.coalesce_key,
      },
      module: task.module,
      payload: claimed.payload,
      timeoutMs: task.timeoutMs,
      memoryLimitMb: task.memoryLimitMb,
    },
    controller.signal,
  );
  const done = outcome
    .then((o) => record(deps, claimed, fence, o, reason, (performance.now() - started) / 1000))
    .catch((err: unknown) => {
      // The outcome is lost, not the task: its lease runs out and the reaper returns it to the queue.
      deps.logger.error(
        { err, taskId: claimed.id, taskType: claimed.type },
        'could not record a task outcome',
      );
    });
  return {
    fence,
    type: claimed.type,
    abort(why) {
      reason ??= why;
      controller.abort();
    },
    threadDone: outcome.then(
      () => {},
      () => {},
    ),
    done,
  };
}

async function record(
  deps: RunDeps,
  claimed: ClaimedTask,
  fence: RunFence,
  outcome: RunOutcome,
  reason: AbortReason | undefined,
  seconds: number,
) {
  const label = outcomeLabel(outcome);
  deps.metrics?.runs.inc({ type: claimed.type, outcome: label });
  deps.metrics?.runDuration.observe({ type: claimed.type, outcome: label }, seconds);
  const fields = { taskId: claimed.id, taskType: claimed.type, attempt: claimed.attempts };

  if (outcome.kind === 'succeeded') {
    if (!(await deps.completions.complete(fence))) {
      deps.logger.warn(fields, 'task finished after its lease was taken back: result discarded');
    }
    return;
  }
  if (outcome.kind === 'aborted') {
    if (reason === 'shutdown') {
      await requeueTasks(deps.db, { kind: 'released', owner: deps.owner, ids: [fence.id] }, deps);
      deps.logger.info(fields, 'task released unfinished at shutdown');
    } else {
      deps.logger.warn(fields, 'task stopped: another process took it back after this one missed its lease');
    }
    return;
  }
  const error = outcome.error.slice(0, MAX_ERROR_CHARS);
  const [row] = await requeueTasks(
    deps.db,
    { kind: 'run', run: fence, error },
    { backoff: deps.backoff, parkNow: outcome.kind === 'failed' && outcome.permanent },
  );
  if (!row) deps.logger.warn(fields, 'task failed after its lease was taken back: failure discarded');
  else reportRequeued(deps, [row]);
}

/** One log line per task that left the running state with an error, and the parked counter. */
export function reportRequeued(deps: Pick<RunDeps, 'logger' | 'metrics'>, rows: readonly RequeuedTask[]) {
  for (const row of rows) {
    const fields = {
      taskId: row.id,
      taskType: row.type,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      lastError: row.last_error,
    };
    if (row.state === 'parked') {
      deps.metrics?.parked.inc({ type: row.type });
      deps.logger.error(
        fields,
        `task parked after ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}; re-run it from the admin API`,
      );
    } else if (row.state === 'superseded') {
      deps.logger.warn(
        { ...fields, foldedInto: row.folded_into },
        'task failed; its queued follow-up will retry',
      );
    } else {
      deps.logger.warn(fields, 'task failed; will retry');
    }
  }
}

function outcomeLabel(outcome: RunOutcome): RunOutcomeLabel {
  switch (outcome.kind) {
    case 'timed-out':
      return 'timed_out';
    case 'out-of-memory':
      return 'out_of_memory';
    default:
      return outcome.kind;
  }
}
