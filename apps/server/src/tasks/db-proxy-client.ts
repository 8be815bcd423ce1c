import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import type { DbRequest, QueryReply, SerializedError } from './worker-protocol.ts';

/** Sends one request to the main thread and resolves with its reply. */
export type DbCall = (request: DbRequest) => Promise<unknown>;

/**
 * The worker-thread end of the database proxy: a Kysely whose driver sends every compiled query to the main
 * thread (db-proxy-host.ts), which runs it on the server's own database. One mechanism for both backends: PGlite
 * lives in the main thread and cannot be shared, and a pool per thread on Postgres would multiply connections.
 * A plain query takes no connection of its own here; a transaction pins one on the main side until it ends.
 */
export function createProxyKysely(call: DbCall): Kysely<Schema> {
  return new Kysely<Schema>({ dialect: new ProxyDialect(call) });
}

class ProxyDialect implements Dialect {
  readonly #call: DbCall;
  constructor(call: DbCall) {
    this.#call = call;
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new ProxyDriver(this.#call);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

class ProxyDriver implements Driver {
  readonly #call: DbCall;
  constructor(call: DbCall) {
    this.#call = call;
  }
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new ProxyConnection(this.#call);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const conn = connection as ProxyConnection;
    await conn.pin();
    let begin = 'begin';
    if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) begin += ` ${settings.accessMode}`;
    await conn.executeQuery(CompiledQuery.raw(begin));
  }
  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(connection: DatabaseConnection) {
    await (connection as ProxyConnection).unpin();
  }
  async destroy() {}
}

class ProxyConnection implements DatabaseConnection {
  readonly #call: DbCall;
  #session: number | null = null;
  constructor(call: DbCall) {
    this.#call = call;
  }
  async pin() {
    if (this.#session === null) this.#session = (await this.#call({ op: 'pin' })) as number;
  }
  async unpin() {
    const session = this.#session;
    this.#session = null;
    if (session !== null) await this.#call({ op: 'unpin', session });
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const reply = (await this.#call({
      op: 'query',
      session: this.#session,
      sql: compiled.sql,
      parameters: compiled.parameters,
    })) as QueryReply;
    return {
      rows: reply.rows as R[],
      ...(reply.numAffectedRows !== undefined ? { numAffectedRows: reply.numAffectedRows } : {}),
    };
  }
  // biome-ignore lint/correctness/useYield: results cross threads whole; callers page with keyset queries instead.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not available in tasks: page with keyset pagination instead');
  }
}

/** Rebuilds a database error thrown in the main thread, keeping its SQLSTATE. */
export function reviveError(e: SerializedError): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  if (e.stack) err.stack = e.stack;
  return err;
}
