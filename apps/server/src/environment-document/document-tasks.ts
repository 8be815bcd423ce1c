import { sql } from 'kysely';
import { defineTask, PermanentTaskError, TaskQueue, TaskRegistry } from '../tasks/index.ts';
import { buildEnvironmentDocument } from './document-builder.ts';
import { EnvironmentDocumentStore } from './document-store.ts';
import { FragmentCache } from './fragment-cache.ts';

// Loaded again in every worker thread: keep this module free of side effects (the cache below is plain memory).

/** This thread's serialized segment overrides, reused by its next rebuilds while their rows are unchanged. */
const fragments = new FragmentCache();

export const REBUILD_TASK = 'environment-document.rebuild';
/** The one log line per rebuild; document-metrics.ts reads its fields. */
export const REBUILT_MESSAGE = 'environment document rebuilt';
export const RECONCILE_TASK = 'environment-document.reconcile';

/**
 * Brings one environment's stored document up to date. Coalesced per environment (key = its id), so however
 * many changes arrive, one rebuild is queued and at most one more runs after it.
 *
 * No change is lost: the document is built in a REPEATABLE READ snapshot that also reads data_version, so it is
 * labelled with exactly the version it contains. A change that commits after the snapshot bumped data_version
 * and enqueued a rebuild in its own transaction; as this one is running, that enqueue became the follow-up, which
 * builds the newer version. The store keeps only newer versions, so a slow, older build never overwrites it.
 */
export const rebuildEnvironmentDocumentTask = defineTask<{ environmentId: number }>(REBUILD_TASK, {
  module: import.meta.url,
  coalesce: 'key',
  // Ahead of ordinary work: serving waits on it.
  priority: 10,
  timeoutMs: 120_000,
  memoryLimitMb: 256,
  maxAttempts: 10,
  async handler(payload, { db, log }) {
    const environmentId = payload?.environmentId;
    if (!Number.isSafeInteger(environmentId) || environmentId <= 0) {
      throw new PermanentTaskError(`payload.environmentId must be a positive integer`);
    }
    const started = performance.now();
    const [hits, misses] = [fragments.hits, fragments.misses];
    const built = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) => buildEnvironmentDocument(trx, environmentId, fragments));
    if (!built) {
      // Deleted after the change was reported: the document row went with it (ON DELETE CASCADE).
      log.info('environment document not rebuilt: environment gone', { environmentId });
      return;
    }
    const buildMs = Math.round(performance.now() - started);
    const written = performance.now();
    const stored = await new EnvironmentDocumentStore(db).write(db, {
      environmentId,
      dataVersion: built.dataVersion,
      dataUpdatedAt: built.dataUpdatedAt,
      document: built.document,
      buildMs,
    });
    log.info(REBUILT_MESSAGE, {
      environmentId,
      dataVersion: built.dataVersion,
      bytes: Buffer.byteLength(built.document, 'utf8'),
      buildMs,
      writeMs: Math.round(performance.now() - written),
      // false: a document of this or a newer version was already stored (a racing rebuild won).
      stored,
      ...built.counts,
      // Segments whose serialized overrides came from this thread's cache, and those read and serialized.
      cachedSegments: fragments.hits - hits,
      rereadSegments: fragments.misses - misses,
    });
  },
});

/** Most rebuilds one reconciler run enqueues; the next run picks up the rest. */
const RECONCILE_BATCH = 1_000;

/**
 * The safety net: every environment whose document is missing or older than its data gets a rebuild, unless
 * one is already queued or running. Heals rebuild tasks that were deleted, cancelled or parked, and
 * environments changed by anything that bypassed the sink. One indexed query when nothing is behind.
 */
export const reconcileEnvironmentDocumentsTask = defineTask<{ scheduledFor?: string }>(RECONCILE_TASK, {
  module: import.meta.url,
  coalesce: 'key',
  timeoutMs: 60_000,
  // The rebuild's heap limit, not a smaller one: a pool thread's limit is fixed at start, so a different size
  // would make every reconciler run replace a warm rebuild thread with a cold one.
  memoryLimitMb: 256,
  maxAttempts: 3,
  async handler(_payload, { db, log }) {
    const { rows } = await sql<{ id: number }>`
      SELECT e.id FROM environments e
      LEFT JOIN environment_documents d ON d.environment_id = e.id
      WHERE (d.environment_id IS NULL OR d.data_version < e.data_version)
        AND NOT EXISTS (SELECT 1 FROM vexil_tasks t
          WHERE t.type = ${REBUILD_TASK} AND t.coalesce_key = e.id::text AND t.state IN ('queued', 'running'))
      ORDER BY e.id
      LIMIT ${RECONCILE_BATCH}`.execute(db);
    if (rows.length === 0) return;
    const queue = rebuildQueue();
    await db.transaction().execute(async (trx) => {
      for (const { id } of rows) await enqueueRebuild(queue, trx, id);
    });
    log.warn('environment documents behind their data: rebuilds enqueued', {
      environments: rows.length,
      first: rows.slice(0, 20).map((r) => r.id),
    });
  },
});

/** A queue that knows only the rebuild task: what the reconciler (in a worker thread) needs to enqueue. */
export function rebuildQueue(): TaskQueue {
  // The definition carries its own timeout, memory limit and attempts, so these defaults are never used.
  return new TaskQueue(
    new TaskRegistry([rebuildEnvironmentDocumentTask], {
      timeoutMs: 120_000,
      memoryLimitMb: 256,
      maxAttempts: 10,
    }),
  );
}

export function enqueueRebuild(
  queue: TaskQueue,
  executor: Parameters<TaskQueue['enqueue']>[0],
  environmentId: number,
) {
  return queue.enqueue(executor, {
    type: REBUILD_TASK,
    key: String(environmentId),
    payload: { environmentId },
  });
}
