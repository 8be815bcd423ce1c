import { type Kysely, type Selectable, sql } from 'kysely';
import type { Schema, TaskState, TasksTable } from '../platform/db/schema.ts';
import { notifyTasksDue } from './sql/enqueue-task.ts';

export type TaskRow = Selectable<TasksTable>;

export type ChangeResult =
  | { ok: true; task: TaskRow }
  | { ok: false; reason: 'not-found' | 'state' | 'key-queued'; task?: TaskRow };

/** What the admin endpoints read and change. Lists are by id, newest first, using vexil_tasks_state_idx. */
export const taskAdminStore = {
  async list(
    db: Kysely<Schema>,
    filter: { state?: TaskState; type?: string; limit: number; offset: number },
  ): Promise<{ count: number; rows: TaskRow[] }> {
    let query = db.selectFrom('vexil_tasks');
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.type) query = query.where('type', '=', filter.type);
    const [{ count }, rows] = await Promise.all([
      query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
      query.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute(),
    ]);
    return { count, rows };
  },

  get(db: Kysely<Schema>, id: number): Promise<TaskRow | undefined> {
    return db.selectFrom('vexil_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /**
   * A parked or cancelled task goes back to the queue with a fresh set of attempts (its last error is kept for
   * the record). Refused when a task with the same key is already queued: that one will do the work.
   */
  async rerun(db: Kysely<Schema>, id: number): Promise<ChangeResult> {
    try {
      const task = await db
        .updateTable('vexil_tasks')
        .set({ state: 'queued', attempts: 0, run_at: sql<Date>`now()`, finished_at: null })
        .where('id', '=', id)
        .where('state', 'in', ['parked', 'cancelled'])
        .returningAll()
        .executeTakeFirst();
      if (task) {
        await notifyTasksDue(db);
        return { ok: true, task };
      }
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return { ok: false, reason: 'key-queued' };
      throw err;
    }
    return this.notChanged(db, id);
  },

  /** Only a queued task can be cancelled: a running one is already in a worker's hands. */
  async cancel(db: Kysely<Schema>, id: number): Promise<ChangeResult> {
    const task = await db
      .updateTable('vexil_tasks')
      .set({ state: 'cancelled', finished_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return task ? { ok: true, task } : this.notChanged(db, id);
  },

  async notChanged(db: Kysely<Schema>, id: number): Promise<ChangeResult> {
    const task = await this.get(db, id);
    return task ? { ok: false, reason: 'state', task } : { ok: false, reason: 'not-found' };
  },
};
