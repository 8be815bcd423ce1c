import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import { completeTasks, type RunFence } from './sql/complete-task.ts';

interface Waiting {
  run: Omit<RunFence, 'owner'>;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

/** Larger batches would only make one slow statement out of several quick ones. */
const MAX_BATCH = 500;

/**
 * Writes successful completions like a group commit: those that arrive while a write is in flight (or in the same
 * turn of the event loop) go together in the next statement. No timer and no added latency when idle; one round
 * trip for many tasks under load, which is where a queue of short tasks spends its time (bench/tasks). On PGlite,
 * where every statement is main-thread CPU, this is most of the throughput.
 */
export class CompletionBatcher {
  readonly #db: Kysely<Schema>;
  readonly #owner: string;
  readonly #waiting: Waiting[] = [];
  #writing = false;

  constructor(db: Kysely<Schema>, owner: string) {
    this.#db = db;
    this.#owner = owner;
  }

  /** Resolves true once written, false if the fence no longer matched (the lease was taken back). */
  complete(run: Omit<RunFence, 'owner'>): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ run, resolve, reject });
      if (!this.#writing) void this.#write();
    });
  }

  async #write() {
    this.#writing = true;
    // One turn of the event loop first: results that threads have already posted land in this batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, MAX_BATCH);
      try {
        const written = await completeTasks(
          this.#db,
          this.#owner,
          batch.map((w) => w.run),
        );
        for (const w of batch) w.resolve(written.has(w.run.id));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#writing = false;
  }
}
