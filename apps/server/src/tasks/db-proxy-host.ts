import { CompiledQuery, type Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import type { DbRequest, QueryReply } from './worker-protocol.ts';

interface Session {
  conn: Kysely<Schema>;
  end: () => void;
  done: Promise<void>;
}

/**
 * The main-thread end of the database proxy (see db-proxy-client.ts), one per worker thread. It owns the
 * connections the thread has pinned, so when the thread dies (timeout, memory limit, crash) `closeAll` rolls back
 * whatever transaction it left open and returns the connection: a killed task never leaks a connection or, on
 * PGlite, the database's only one.
 */
export class DbProxyHost {
  readonly #db: Kysely<Schema>;
  readonly #sessions = new Map<number, Session>();
  #nextSession = 1;
  #closed = false;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async handle(request: DbRequest): Promise<unknown> {
    if (this.#closed) throw new Error('the task thread has ended');
    switch (request.op) {
      case 'query': {
        const target = request.session === null ? this.#db : this.#sessions.get(request.session)?.conn;
        if (!target) throw new Error(`database session ${request.session} is not open`);
        const result = await target.executeQuery(CompiledQuery.raw(request.sql, [...request.parameters]));
        const reply: QueryReply = {
          rows: result.rows,
          ...(result.numAffectedRows !== undefined ? { numAffectedRows: result.numAffectedRows } : {}),
        };
        return reply;
      }
      case 'pin':
        return this.#pin();
      case 'unpin':
        await this.#unpin(request.session, false);
        return null;
    }
  }

  /** The thread is gone: roll back and release everything it held. */
  async closeAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#sessions.keys()].map((id) => this.#unpin(id, true)));
  }

  async #pin(): Promise<number> {
    const id = this.#nextSession++;
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    let ready!: (conn: Kysely<Schema>) => void;
    const acquired = new Promise<Kysely<Schema>>((resolve) => {
      ready = resolve;
    });
    // Kysely holds the connection for as long as the callback runs: until unpin resolves `ended`.
    const done = this.#db.connection().execute(async (conn) => {
      ready(conn);
      await ended;
    });
    // `done` settles first only if acquiring the connection failed (it rejects then).
    const conn = await Promise.race([acquired, done.then(() => null)]);
    if (!conn) throw new Error('could not pin a database connection');
    this.#sessions.set(id, { conn, end, done });
    // The thread died while we waited for the connection: nobody will ever unpin it.
    if (this.#closed) await this.#unpin(id, true);
    return id;
  }

  async #unpin(id: number, rollback: boolean) {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    // ROLLBACK outside a transaction only warns, so it is safe when the thread died between statements.
    if (rollback) await session.conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
    session.end();
    await session.done.catch(() => {});
  }
}
