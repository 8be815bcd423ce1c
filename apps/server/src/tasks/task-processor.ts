import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { CompletionBatcher } from './completion-batcher.ts';
import { type InFlightRun, type RunDeps, reportRequeued, startRun } from './run-task.ts';
import type { Backoff } from './sql/backoff.ts';
import { type ClaimedTask, claimTasks } from './sql/claim-tasks.ts';
import { extendLeases, type RunFence } from './sql/complete-task.ts';
import { TASKS_CHANNEL } from './sql/enqueue-task.ts';
import { requeueTasks } from './sql/requeue-tasks.ts';
import { autovacuumRuns, vacuumTasks } from './sql/vacuum-tasks.ts';
import type { TaskMetrics } from './task-metrics.ts';
import type { TaskQueue } from './task-queue.ts';
import type { TaskRegistry } from './task-registry.ts';
import { fireSchedules, type Schedule, setUpSchedules } from './task-schedules.ts';
import { type TaskLogListener, WorkerPool } from './worker-pool.ts';

export interface TaskProcessorOptions {
  database: Database;
  registry: TaskRegistry;
  /** Used to enqueue the occurrences of schedules. */
  queue: TaskQueue;
  logger: Logger;
  metrics?: TaskMetrics;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  backoff: Backoff;
  /** On stop, how long running tasks may take to finish before they are stopped and released. */
  drainTimeoutMs: number;
  schedules?: readonly Schedule[];
  /** Sees each log line a task writes (in this thread): for metrics that tasks report through their logs. */
  onTaskLog?: TaskLogListener;
}

export interface TaskProcessor {
  /** Written to claimed_by: host, pid and a random suffix, so two processors in one process never share it. */
  readonly owner: string;
  /** Stop claiming; let running tasks finish within drainTimeoutMs, then stop and release the rest. Idempotent. */
  stop(): Promise<void>;
}

/** Reaper batch: expired leases are rare; a backlog of them (a whole fleet died) drains over several polls. */
const REAP_BATCH = 100;

/**
 * Claiming ahead. While runs are short, each thread gets PREFETCH_PER_THREAD tasks claimed ahead of it, so it
 * never waits for a claim's round trip between two tasks: on the benchmark box that took trivial tasks from about
 * 650 to 850 per second per process (bench/RESULTS.md). While runs are long, nothing is claimed ahead: a task
 * must not wait behind a long run in one process while another process sits idle.
 */
const PREFETCH_PER_THREAD = 2;
const SHORT_RUN_MS = 50;
/** Claimed and not yet recorded, per thread, at most: bounds memory and leases held if the database stalls. */
const MAX_HELD_PER_THREAD = 16;

/**
 * Where nothing else vacuums vexil_tasks (sql/vacuum-tasks.ts), the processor does, after this many claims. The
 * dead rows of 2,000 tasks add about a quarter of a millisecond to a claim; a vacuum then costs a few ms.
 */
const VACUUM_EVERY_CLAIMED = 2_000;

/** A task this process claimed and has not finished recording: waiting for a thread, running, or being written. */
interface Held {
  claimed: ClaimedTask;
  fence: RunFence;
  run?: InFlightRun;
}

/**
 * Starts claiming and running tasks. Wake-ups: a NOTIFY from enqueue (after its commit), a timer for the earliest
 * delayed task or schedule, a freed slot, and a poll every pollIntervalMs as the fallback that makes lost
 * notifications harmless. Every poll also reaps expired leases (from any process) and fires due schedules.
 */
export async function startTaskProcessor(options: TaskProcessorOptions): Promise<TaskProcessor> {
  const processor = new Processor(options);
  await processor.start();
  return processor;
}

class Processor implements TaskProcessor {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #o: TaskProcessorOptions;
  readonly #types: string[];
  readonly #scheduleTypes: string[];
  readonly #pool: WorkerPool;
  readonly #deps: RunDeps;
  readonly #held = new Map<number, Held>();
  /** Claimed, waiting for a thread, in claim order (priority). */
  readonly #waiting: Held[] = [];
  #busyThreads = 0;
  /** Moving average of run durations; starts long, so nothing is claimed ahead until runs prove short. */
  #averageRunMs = 1_000;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #tick: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastReap = 0;
  /** When the next delayed task is due (app clock, from the database's relative answer or a notification). */
  #nextTaskAt = Number.POSITIVE_INFINITY;
  /** When to look at schedules again: the next occurrence, or the next poll. */
  #nextScheduleAt = 0;
  #unlisten: (() => Promise<void>) | undefined;
  #failingSince: number | undefined;
  /** Claims since the last vacuum; null when autovacuum looks after the table. */
  #claimedSinceVacuum: number | null = null;

  constructor(options: TaskProcessorOptions) {
    this.#o = options;
    this.#types = options.registry.types();
    this.#scheduleTypes = (options.schedules ?? []).map((s) => s.type);
    this.#pool = new WorkerPool({
      size: options.concurrency,
      db: options.database.db,
      logger: options.logger,
      ...(options.onTaskLog ? { onLog: options.onTaskLog } : {}),
    });
    this.#deps = {
      db: options.database.db,
      pool: this.#pool,
      completions: new CompletionBatcher(options.database.db, this.owner),
      owner: this.owner,
      backoff: options.backoff,
      logger: options.logger,
      metrics: options.metrics,
    };
  }

  async start() {
    const { database, schedules = [] } = this.#o;
    await setUpSchedules(database.db, this.#o.registry, schedules);
    if (!(await autovacuumRuns(database))) {
      this.#claimedSinceVacuum = 0;
      this.#o.logger.info('no autovacuum here: the task processor vacuums vexil_tasks itself');
    }
    this.#unlisten = await database.listen(TASKS_CHANNEL, (payload) => {
      if (payload === '') this.#wake();
      else this.#wakeAt(Number(payload));
    });
    database.onReconnect(() => this.#wake());
    // Three beats per lease: a single slow or failed beat never loses a lease.
    this.#heartbeat = setInterval(() => void this.#beat(), Math.max(100, Math.floor(this.#o.leaseMs / 3)));
    this.#o.logger.info(
      { owner: this.owner, concurrency: this.#o.concurrency, types: this.#types.length },
      'task processor started',
    );
    this.#wake();
  }

  #wake() {
    if (this.#stopping) return;
    if (this.#tick) {
      this.#again = true;
      return;
    }
    this.#tick = this.#loop().finally(() => {
      this.#tick = undefined;
      this.#arm();
    });
  }

  /** A notification for a delayed task: wake when it is due (a hint; the next pass re-reads the database). */
  #wakeAt(epochMs: number) {
    if (Number.isFinite(epochMs) && epochMs < this.#nextTaskAt) this.#nextTaskAt = epochMs;
    this.#arm();
  }

  async #loop() {
    do {
      this.#again = false;
      // Let results already posted by threads land first, so the claim below sees every freed slot.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        await this.#pass();
        if (this.#failingSince !== undefined)
          this.#o.logger.info('task processor reached the database again');
        this.#failingSince = undefined;
      } catch (err) {
        // One line when the database goes away and one a minute after: not one a poll for the whole outage.
        const now = Date.now();
        // Retry at the next poll, not on a timer that was already due (that would spin while the database is away).
        this.#nextTaskAt = Number.POSITIVE_INFINITY;
        this.#nextScheduleAt = Math.max(this.#nextScheduleAt, now + this.#o.pollIntervalMs);
        if (this.#failingSince === undefined || now - this.#failingSince > 60_000) {
          this.#o.logger.error({ err }, 'task processor pass failed; retrying at the next poll');
          this.#failingSince = now;
        }
        return;
      }
    } while (this.#again && !this.#stopping);
  }

  async #pass() {
    const now = Date.now();
    if (now - this.#lastReap >= this.#o.pollIntervalMs) {
      this.#lastReap = now;
      await this.#reap();
    }
    if (now >= this.#nextScheduleAt) await this.#fireSchedules();
    if (this.#claimedSinceVacuum !== null && this.#claimedSinceVacuum >= VACUUM_EVERY_CLAIMED) {
      this.#claimedSinceVacuum = 0;
      await vacuumTasks(this.#o.database.db);
    }
    // Refill the claimed-ahead buffer when it runs low, not each time one task leaves it: one claim of several
    // costs about what one claim of one does.
    if (this.#waiting.length >= this.#o.concurrency) return;
    // Tasks being written (completion in flight) do not count against the prefetch, or a slow write would starve
    // the threads; MAX_HELD_PER_THREAD still bounds what one process holds if writes stall altogether.
    const ahead = this.#averageRunMs < SHORT_RUN_MS ? PREFETCH_PER_THREAD : 0;
    const capacity = Math.min(
      this.#o.concurrency * (1 + ahead) - this.#waiting.length - this.#busyThreads,
      this.#o.concurrency * MAX_HELD_PER_THREAD - this.#held.size,
    );
    if (capacity <= 0 || this.#stopping) return;
    const { tasks, msUntilNext } = await claimTasks(this.#o.database.db, {
      owner: this.owner,
      types: this.#types,
      limit: capacity,
      leaseMs: this.#o.leaseMs,
    });
    if (this.#claimedSinceVacuum !== null) this.#claimedSinceVacuum += tasks.length;
    for (const claimed of tasks) {
      const held: Held = { claimed, fence: { id: claimed.id, attempt: claimed.attempts, owner: this.owner } };
      this.#held.set(claimed.id, held);
      this.#waiting.push(held);
    }
    this.#dispatch();
    // A short claim tells when the next delayed task is due; after a full one, a freed slot wakes us anyway.
    if (tasks.length < capacity) this.#nextTaskAt = Date.now() + (msUntilNext ?? Number.POSITIVE_INFINITY);
  }

  /** Hands waiting tasks to free threads. A thread is free as soon as its handler ends, before the write. */
  #dispatch() {
    while (this.#busyThreads < this.#o.concurrency && !this.#stopping) {
      const held = this.#waiting.shift();
      if (!held) return;
      const resolved = this.#o.registry.get(held.claimed.type);
      if (!resolved) {
        // Cannot happen (the claim filters by our types); if it did, the lease would return the task.
        this.#held.delete(held.fence.id);
        continue;
      }
      this.#busyThreads++;
      const run = startRun(this.#deps, resolved, held.claimed);
      held.run = run;
      const started = performance.now();
      void run.threadDone.finally(() => {
        this.#averageRunMs = 0.8 * this.#averageRunMs + 0.2 * (performance.now() - started);
        this.#busyThreads--;
        this.#dispatch();
      });
      void run.done.finally(() => {
        this.#held.delete(held.fence.id);
        this.#wake();
      });
    }
  }

  /** Gives back tasks claimed ahead that no thread started (shutdown, lost lease): nothing of theirs ran. */
  async #releaseWaiting() {
    const ids = this.#waiting.splice(0).map((h) => h.fence.id);
    for (const id of ids) this.#held.delete(id);
    if (ids.length === 0) return;
    try {
      await requeueTasks(this.#o.database.db, { kind: 'released', owner: this.owner, ids }, this.#deps);
    } catch (err) {
      // Their leases run out and the reaper returns them; the claim's attempt then stays counted.
      this.#o.logger.warn({ err, ids }, 'could not release claimed tasks; their leases will expire');
    }
  }

  /** The reaper Flagsmith lacked: tasks whose process died are returned (or parked) by whoever notices first. */
  async #reap() {
    const rows = await requeueTasks(this.#o.database.db, { kind: 'expired', limit: REAP_BATCH }, this.#deps);
    for (const row of rows) this.#o.metrics?.leaseExpiries.inc({ type: row.type });
    reportRequeued(this.#deps, rows);
    if (rows.length === REAP_BATCH) this.#lastReap = 0; // more to reap: again on the next pass
  }

  /** Enqueues due occurrences and learns when the next one is due (task-schedules.ts). */
  async #fireSchedules() {
    const poll = this.#o.pollIntervalMs;
    if (this.#scheduleTypes.length === 0) {
      this.#nextScheduleAt = Number.POSITIVE_INFINITY;
      return;
    }
    const ms = await fireSchedules(this.#o.database.db, this.#o.queue, this.#scheduleTypes);
    // At least 50 ms: a due row another process holds (SKIP LOCKED) is fired by that process, not re-polled hot.
    this.#nextScheduleAt = Date.now() + Math.max(50, Math.min(ms ?? poll, poll));
  }

  /** One timer: the poll, or sooner if a delayed task or a schedule is due sooner. */
  #arm() {
    if (this.#stopping) return;
    const at = Math.min(Date.now() + this.#o.pollIntervalMs, this.#nextTaskAt, this.#nextScheduleAt);
    if (this.#timer && at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#nextTaskAt = Number.POSITIVE_INFINITY;
        this.#wake();
      },
      Math.max(5, at - Date.now()),
    );
  }

  /** Extends the leases of held tasks; a task whose lease was taken back is stopped (or dropped) at once. */
  async #beat() {
    const held = [...this.#held.values()];
    if (held.length === 0) return;
    try {
      const still = await extendLeases(this.#o.database.db, {
        owner: this.owner,
        ids: held.map((h) => h.fence.id),
        leaseMs: this.#o.leaseMs,
      });
      const kept = new Set(still.map((h) => `${h.id}:${h.attempts}`));
      for (const h of held) {
        // One recorded while the beat was in flight is not lost, just gone.
        if (this.#held.get(h.fence.id) !== h || kept.has(`${h.fence.id}:${h.fence.attempt}`)) continue;
        if (h.run) h.run.abort('lease-lost');
        else {
          this.#waiting.splice(this.#waiting.indexOf(h), 1);
          this.#held.delete(h.fence.id);
          this.#o.logger.warn({ taskId: h.fence.id }, 'claimed task dropped: another process took it back');
        }
      }
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not extend task leases; retrying');
    }
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #shutdown() {
    this.#stopping = true;
    clearTimeout(this.#timer);
    // Everything waits against one deadline. On PGlite a running task's transaction holds the only connection,
    // so even a pass in flight (or UNLISTEN) may wait on that task: only stopping the task frees it.
    const deadline = Date.now() + this.#o.drainTimeoutMs;
    const inTime = (p: Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      });
      return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
    };
    const settled = () => Promise.all([this.#tick, ...[...this.#held.values()].map((h) => h.run?.done)]);
    // Tasks claimed ahead never started: they go back at once, for any other process to take.
    const released = this.#releaseWaiting();
    if (!(await inTime(Promise.all([released, settled()])))) {
      this.#o.logger.warn({ running: this.#busyThreads }, 'stopping tasks still running at shutdown');
    }
    // Whatever still runs is stopped and released; a claim that lands now is released the same way.
    while (this.#tick || this.#held.size > 0) {
      for (const h of this.#held.values()) h.run?.abort('shutdown');
      await Promise.all([this.#releaseWaiting(), settled()]);
    }
    // Leases are extended until the last run is recorded: a drain longer than a lease must not lose its tasks.
    clearInterval(this.#heartbeat);
    await this.#unlisten?.().catch(() => {});
    await this.#pool.close();
    this.#o.logger.info({ owner: this.owner }, 'task processor stopped');
  }
}
