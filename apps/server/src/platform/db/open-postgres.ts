import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { createKysely, type Database, type NotificationHandler, type SqlSession } from './database.ts';
import type { Schema } from './schema.ts';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** Told about errors on idle connections and the notification connection, which must never crash the process. */
  onError?: (err: Error, where: string) => void;
}

/**
 * Same value types from pg as from PGlite (see open-pglite.ts): int8 and numeric as JS numbers, because every
 * count and id we keep is far below 2^53 and two representations would leak into every caller.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (oid: number, format?: string) => (v: string) => unknown)(oid, format);
  },
};

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const onError = options.onError ?? (() => {});
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: typeParsers,
    connectionTimeoutMillis: 5_000,
    application_name: 'vexil',
  });
  // An idle client that loses its server emits here; without a listener pg would throw and kill the process.
  pool.on('error', (err) => onError(err, 'pool'));
  // A checked-out client that loses its server between two statements (inside a transaction, say) emits 'error' on
  // itself, where the pool does not listen: a database restart would then crash the process. The statement that
  // uses it next fails normally, and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', (err) => onError(err, 'client')));
  const db = createKysely<Schema>(new PostgresDialect({ pool }));
  const notifier = new PgNotifier(options.url, onError);
  const url = new URL(options.url);

  return {
    kind: 'postgres',
    db,
    description: `postgres ${url.hostname}:${url.port || '5432'}${url.pathname}`,
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn(sessionOf(client));
      } finally {
        client.release();
      }
    },
    listen: (channel, handler) => notifier.listen(channel, handler),
    onReconnect: (handler) => notifier.reconnectHandlers.push(handler),
    async close() {
      await notifier.close();
      await db.destroy();
    },
  };
}

function sessionOf(client: pg.PoolClient | pg.Client): SqlSession {
  return {
    async exec(script) {
      await client.query(script);
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, params as unknown[]);
      return result.rows as R[];
    },
  };
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * LISTEN needs a connection of its own that stays open. If it drops we reconnect with backoff,
 * LISTEN again, and tell consumers, who re-check what they may have missed.
 */
class PgNotifier {
  readonly #url: string;
  readonly #onError: (err: Error, where: string) => void;
  readonly #handlers = new Map<string, Set<NotificationHandler>>();
  readonly reconnectHandlers: Array<() => void> = [];
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(url: string, onError: (err: Error, where: string) => void) {
    this.#url = url;
    this.#onError = onError;
  }

  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    if (!CHANNEL.test(channel)) throw new Error(`invalid notification channel name: ${channel}`);
    let set = this.#handlers.get(channel);
    const isNew = !set;
    if (!set) {
      set = new Set();
      this.#handlers.set(channel, set);
    }
    set.add(handler);
    const client = await this.#ensure();
    if (isNew) await client.query(`LISTEN ${channel}`);
    return async () => {
      const s = this.#handlers.get(channel);
      s?.delete(handler);
      if (s && s.size === 0) {
        this.#handlers.delete(channel);
        await this.#client?.query(`UNLISTEN ${channel}`).catch(() => {});
      }
    };
  }

  #ensure(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    if (!this.#connecting) {
      this.#connecting = this.#connect().finally(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url, application_name: 'vexil-listen' });
    client.on('notification', (msg) => {
      for (const h of this.#handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    client.on('error', (err) => {
      this.#onError(err, 'listen');
      this.#lost(client);
    });
    client.on('end', () => this.#lost(client));
    await client.connect();
    for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${channel}`);
    this.#client = client;
    return client;
  }

  #lost(client: pg.Client) {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed) return;
    this.#scheduleReconnect(500);
  }

  #scheduleReconnect(delayMs: number) {
    if (this.#closed || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#ensure().then(
        () => {
          for (const h of this.reconnectHandlers) h();
        },
        (err: Error) => {
          this.#onError(err, 'listen-reconnect');
          this.#scheduleReconnect(Math.min(delayMs * 2, 10_000));
        },
      );
    }, delayMs);
    this.#retryTimer.unref();
  }

  async close() {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
