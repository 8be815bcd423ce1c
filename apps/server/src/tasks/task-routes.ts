import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { HttpServer } from '../http/server.ts';
import type { RequireAuth } from '../modules/auth/index.ts';
import type { Database } from '../platform/db/database.ts';
import type { TaskState } from '../platform/db/schema.ts';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../platform/errors.ts';
import { type ChangeResult, type TaskRow, taskAdminStore } from './task-admin-store.ts';

const PREFIX = '/api/v1/vexil/tasks';
const STATES: readonly TaskState[] = ['queued', 'running', 'succeeded', 'parked', 'cancelled', 'superseded'];

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ListQuery = Type.Object({
  state: Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s)))),
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export function toTaskJson(row: TaskRow) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    payload: row.payload,
    priority: row.priority,
    key: row.coalesce_key,
    merged_count: row.merged_count,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    last_error: row.last_error,
    run_at: row.run_at.toISOString(),
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    lease_expires_at: iso(row.lease_expires_at),
    claimed_by: row.claimed_by,
  };
}

/**
 * Vexil's task admin endpoints (docs/tasks.md#admin-api): list and inspect tasks, re-run a parked one, cancel a
 * queued one. The queue is instance-wide, so only admin master API keys may use them (Flagsmith's equivalent,
 * /processor/monitoring/, needs a staff user).
 */
export function registerTaskRoutes(app: HttpServer, deps: { database: Database; requireAuth: RequireAuth }) {
  const db = deps.database.db;
  // The one place that decides who may use these endpoints.
  const authorize = async (request: FastifyRequest) => {
    // Instance-wide, so not for organisation members: only admin master API keys, until users get a staff role.
    const principal = await deps.requireAuth(request);
    if (principal.kind !== 'master-api-key' || !principal.isAdmin) throw new PermissionDeniedError();
  };

  app.get(`${PREFIX}/`, { schema: { querystring: ListQuery } }, async (request) => {
    await authorize(request);
    const { state, type, page = 1, page_size: pageSize = 50 } = request.query;
    const { count, rows } = await taskAdminStore.list(db, {
      ...(state ? { state } : {}),
      ...(type ? { type } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    if (page > 1 && rows.length === 0) throw new NotFoundError('Invalid page.'); // DRF's answer
    const link = (p: number) => {
      const url = new URL(`${request.protocol}://${request.host}${PREFIX}/`);
      for (const [k, v] of Object.entries({ state, type, page: p, page_size: request.query.page_size })) {
        if (v !== undefined) url.searchParams.set(k, String(v));
      }
      return url.toString();
    };
    return {
      count,
      next: page * pageSize < count ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: rows.map(toTaskJson),
    };
  });

  app.get(`${PREFIX}/:id/`, { schema: { params: IdParams } }, async (request) => {
    await authorize(request);
    const task = await taskAdminStore.get(db, request.params.id);
    if (!task) throw new NotFoundError();
    return toTaskJson(task);
  });

  app.post(`${PREFIX}/:id/rerun/`, { schema: { params: IdParams } }, async (request) => {
    await authorize(request);
    return changed(await taskAdminStore.rerun(db, request.params.id), 'Only a parked or cancelled task');
  });

  app.post(`${PREFIX}/:id/cancel/`, { schema: { params: IdParams } }, async (request) => {
    await authorize(request);
    return changed(await taskAdminStore.cancel(db, request.params.id), 'Only a queued task');
  });
}

function changed(result: ChangeResult, allowed: string) {
  if (result.ok) return toTaskJson(result.task);
  if (result.reason === 'not-found') throw new NotFoundError();
  if (result.reason === 'key-queued') {
    throw new ConflictError('A task with the same key is already queued; it will do this work.');
  }
  throw new ConflictError(`${allowed} can be changed this way; this one is ${result.task?.state}.`);
}
