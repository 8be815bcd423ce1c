import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { createKysely, type Database } from './database.ts';
import { PGliteDialect, pgliteMutex } from './pglite-dialect.ts';
import type { Schema } from './schema.ts';

export interface PgliteOptions {
  /** A folder to persist in, or 'memory' for a throwaway database (tests). */
  dataDir: string | 'memory';
  /** A dump from `dumpDataDir` to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
}

/** Same value types as open-postgres.ts: int8 and numeric as JS numbers. */
const parsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

/** PGlite can also snapshot itself, which tests use to clone a migrated template in half a second. */
export interface PgliteDatabase extends Database {
  dump(): Promise<Blob>;
}

export async function openPglite(options: PgliteOptions): Promise<PgliteDatabase> {
  let releaseLock = () => {};
  let dataDir = 'memory://';
  if (options.dataDir !== 'memory') {
    fs.mkdirSync(options.dataDir, { recursive: true });
    // PGlite is a single Postgres backend; two processes on one folder would corrupt it.
    releaseLock = acquireDataDirLock(options.dataDir);
    dataDir = path.join(options.dataDir, 'pgdata');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, {
      parsers,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (err) {
    releaseLock();
    throw err;
  }
  const mutex = pgliteMutex(pglite);
  const db = createKysely<Schema>(new PGliteDialect(pglite));

  return {
    kind: 'pglite',
    db,
    description:
      options.dataDir === 'memory' ? 'embedded PGlite (in memory)' : `embedded PGlite in ${options.dataDir}`,
    async withSession(fn) {
      const release = await mutex.lock();
      try {
        return await fn({
          async exec(script) {
            await pglite.exec(script);
          },
          async query<R>(text: string, params: readonly unknown[] = []) {
            return (await pglite.query<R>(text, params as unknown[])).rows;
          },
        });
      } finally {
        release();
      }
    },
    async listen(channel, handler) {
      // LISTEN is a statement: it must not land inside somebody else's open transaction.
      const release = await mutex.lock();
      let unlisten: () => Promise<void>;
      try {
        unlisten = await pglite.listen(channel, handler);
      } finally {
        release();
      }
      return async () => {
        const r = await mutex.lock();
        try {
          await unlisten();
        } finally {
          r();
        }
      };
    },
    // In-process: the connection cannot be lost.
    onReconnect() {},
    async dump() {
      const release = await mutex.lock();
      try {
        return await pglite.dumpDataDir('none');
      } finally {
        release();
      }
    },
    async close() {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        releaseLock();
      }
    },
  };
}
