import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * Kysely dialect over an embedded PGlite instance.
 *
 * PGlite is one Postgres backend in this process, so there is exactly one connection. Kysely asks for a connection
 * per query and holds it for a whole transaction; the mutex below makes everybody else wait for it, which is the
 * same isolation a pool of one would give. Written here because the published adapters lag PGlite releases.
 */
export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite;
  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#pglite);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/** A FIFO mutex: PGlite has one connection and transactions must not interleave on it. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  readonly #mutex: Mutex;
  #release: (() => void) | undefined;

  constructor(pglite: PGlite) {
    this.#mutex = pgliteMutex(pglite);
    this.#connection = new PGliteConnection(pglite);
  }
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#mutex.lock();
    return this.#connection;
  }
  async beginTransaction(conn: DatabaseConnection) {
    await conn.executeQuery({ sql: 'begin', parameters: [] } as unknown as CompiledQuery);
  }
  async commitTransaction(conn: DatabaseConnection) {
    await conn.executeQuery({ sql: 'commit', parameters: [] } as unknown as CompiledQuery);
  }
  async rollbackTransaction(conn: DatabaseConnection) {
    await conn.executeQuery({ sql: 'rollback', parameters: [] } as unknown as CompiledQuery);
  }
  async releaseConnection() {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
  async destroy() {}
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite | Transaction;
  constructor(pglite: PGlite | Transaction) {
    this.#pglite = pglite;
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pglite.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }
  // biome-ignore lint/correctness/useYield: PGlite cannot stream; callers page with keyset queries instead.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries: page with keyset pagination instead');
  }
}

const mutexes = new WeakMap<PGlite, Mutex>();
/** One mutex per PGlite instance, shared by Kysely and by raw sessions (migrations, LISTEN). */
export function pgliteMutex(pglite: PGlite): Mutex {
  let m = mutexes.get(pglite);
  if (!m) {
    m = new Mutex();
    mutexes.set(pglite, m);
  }
  return m;
}
