import { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export type DatabaseKind = 'postgres' | 'pglite';

/** One connection held for a while: session-level advisory locks and multi-statement scripts need it. */
export interface SqlSession {
  /** Runs a script that may hold several statements (simple-query protocol); returns nothing. */
  exec(script: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export type NotificationHandler = (payload: string) => void;

/**
 * The database as the rest of the server sees it, the same on real Postgres and on embedded PGlite.
 * Queries go through `db` (Kysely); `withSession` and `listen` cover what a query builder cannot.
 */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  /** A human-readable target for logs: host/database or the data folder, never a password. */
  readonly description: string;
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Calls `handler` for every NOTIFY on `channel` until the returned function is called.
   * Delivery is best effort: after a lost connection, notifications sent meanwhile are gone, so every
   * consumer MUST also poll (see `onReconnect`).
   */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  /** Called after the notification connection was lost and re-established; consumers re-check their state. */
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}

export function createKysely<DB>(
  dialect: ConstructorParameters<typeof Kysely<DB>>[0]['dialect'],
): Kysely<DB> {
  return new Kysely<DB>({ dialect });
}
