import { sql } from 'kysely';
import {
  DOCUMENT_CHANNEL,
  type EnvironmentDocumentStore,
  parseDocumentNotice,
} from '../environment-document/index.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { type FeatureDetails, type Origin, ServedEnvironment } from './served-environment.ts';

export interface ResolvedKey {
  environmentId: number;
  origin: Origin;
}

interface KeyEntry {
  resolved: ResolvedKey | undefined;
  expiresAt: number;
}

export interface ServedEnvironmentsOptions {
  database: Database;
  store: EnvironmentDocumentStore;
  logger: Logger;
  refreshIntervalMs: number;
  keyCacheSeconds: number;
}

/** The log line of each document loaded (bench/replay reads it). */
export const LOADED_MESSAGE = 'sdk-api: environment document loaded';

/** Unknown keys are remembered briefly too, so a client with a wrong key cannot turn every request into SQL. */
const NEGATIVE_KEY_TTL_MS = 2_000;

/**
 * The per-process cache the SDK API serves from: environment key → environment id → the compiled document.
 * Documents load on first use and are replaced when a newer version is announced on DOCUMENT_CHANNEL, found by the
 * periodic `versions()` check, or found after the notification connection reconnects. When the database is away,
 * the last documents keep being served; `lastSyncAt` tells readiness and metrics how stale they may be.
 */
export class ServedEnvironments {
  readonly #options: ServedEnvironmentsOptions;
  readonly #keys = new Map<string, KeyEntry>();
  readonly #served = new Map<number, ServedEnvironment>();
  readonly #loading = new Map<number, Promise<ServedEnvironment | undefined>>();
  readonly #listeners = new Set<(environment: ServedEnvironment) => void>();
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  /** When the served documents were last compared with the database successfully (ms since epoch). */
  lastSyncAt = Date.now();
  reloads = 0;
  syncFailures = 0;
  #failing = false;

  constructor(options: ServedEnvironmentsOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { database, logger } = this.#options;
    try {
      this.#unlisten = await database.listen(DOCUMENT_CHANNEL, (payload) => {
        const notice = parseDocumentNotice(payload);
        if (notice) this.#onVersion(notice.environmentId, notice.dataVersion);
      });
    } catch (err) {
      // Serving still works: the periodic check finds new versions.
      logger.warn({ err }, 'sdk-api: could not listen for document notices; relying on the periodic check');
    }
    database.onReconnect(() => void this.sync());
    this.#timer = setInterval(() => void this.sync(), this.#options.refreshIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#unlisten?.().catch(() => {});
    this.#unlisten = undefined;
  }

  /** Called with every newly served document version (SSE). */
  onChange(listener: (environment: ServedEnvironment) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every environment held in memory. */
  served(): IterableIterator<ServedEnvironment> {
    return this.#served.values();
  }

  /**
   * Which environment a key opens; undefined for an unknown key. A fresh cache entry answers without SQL; an
   * expired one still answers at once while one background query re-checks it (a deleted or deactivated key stops
   * working within keyCacheSeconds plus one request).
   */
  resolveKey(key: string): ResolvedKey | undefined | Promise<ResolvedKey | undefined> {
    const cached = this.#keys.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.resolved;
    if (cached?.resolved) {
      cached.expiresAt = Date.now() + NEGATIVE_KEY_TTL_MS; // one re-check at a time
      void this.#refreshKey(key).catch(() => {}); // database away: keep the key we knew
      return cached.resolved;
    }
    return this.#refreshKey(key);
  }

  async #refreshKey(key: string): Promise<ResolvedKey | undefined> {
    const resolved = await this.#lookupKey(key);
    const ttl = resolved ? this.#options.keyCacheSeconds * 1000 : NEGATIVE_KEY_TTL_MS;
    if (this.#keys.size > 100_000) this.#keys.clear();
    this.#keys.set(key, { resolved, expiresAt: Date.now() + ttl });
    return resolved;
  }

  /** The environment's served document, loading it on first use. undefined: no document has been built yet. */
  get(environmentId: number): ServedEnvironment | Promise<ServedEnvironment | undefined> {
    return this.#served.get(environmentId) ?? this.#load(environmentId);
  }

  /** Compares every served document with the stored versions and reloads the changed ones. */
  async sync(): Promise<void> {
    try {
      const versions = await this.#options.store.versions();
      const known = new Map(versions.map((v) => [v.environmentId, v.dataVersion]));
      const reloads: Promise<unknown>[] = [];
      for (const [id, served] of this.#served) {
        const version = known.get(id);
        if (version !== undefined && version > served.dataVersion) reloads.push(this.#load(id, version));
      }
      await Promise.all(reloads);
      if (this.#failing) this.#options.logger.info('sdk-api: document version check works again');
      this.#failing = false;
      this.lastSyncAt = Date.now();
    } catch (err) {
      this.syncFailures++;
      // Once per outage, not every interval: the staleness gauge and readiness tell the rest.
      if (!this.#failing) {
        this.#options.logger.warn(
          { err },
          'sdk-api: document version check failed; serving the last documents',
        );
      }
      this.#failing = true;
    }
  }

  #onVersion(environmentId: number, dataVersion: number) {
    const served = this.#served.get(environmentId);
    // Only environments this process serves are loaded; others load on their first request.
    if (served && dataVersion > served.dataVersion) void this.#load(environmentId, dataVersion);
  }

  async #lookupKey(key: string): Promise<ResolvedKey | undefined> {
    const db = this.#options.database.db;
    if (key.startsWith('ser.')) {
      const row = await db
        .selectFrom('environment_api_keys')
        .select('environment_id')
        .where('key', '=', key)
        .where('active', '=', true)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
        .executeTakeFirst();
      return row ? { environmentId: row.environment_id, origin: 'server' } : undefined;
    }
    const row = await db
      .selectFrom('environments')
      .select('id')
      .where('api_key', '=', key)
      .executeTakeFirst();
    return row ? { environmentId: row.id, origin: 'client' } : undefined;
  }

  /**
   * One load per environment at a time; concurrent callers share it. Errors leave the old document served.
   *
   * `atLeast`: the version the caller was told exists. A load already running may have read its row before that
   * version was stored; sharing it would leave the newer document unserved until the next notice or periodic
   * check (seconds away after the last change of a burst). So such a caller waits for the running load and, if
   * that one came back older, starts one more: at most one load running and one waiting per environment, however
   * many notices arrive meanwhile (they all share that next load).
   */
  #load(environmentId: number, atLeast?: number): Promise<ServedEnvironment | undefined> {
    const running = this.#loading.get(environmentId);
    if (running) {
      if (atLeast === undefined) return running;
      return running.then((served) =>
        served && served.dataVersion < atLeast ? this.#load(environmentId) : served,
      );
    }
    const promise = this.#read(environmentId)
      .catch((err: unknown) => {
        const current = this.#served.get(environmentId);
        if (!current) throw err;
        this.#options.logger.warn(
          { err, environmentId },
          'sdk-api: reload failed; serving the last document',
        );
        return current;
      })
      .finally(() => this.#loading.delete(environmentId));
    this.#loading.set(environmentId, promise);
    return promise;
  }

  async #read(environmentId: number): Promise<ServedEnvironment | undefined> {
    const started = performance.now();
    const stored = await this.#options.store.read(environmentId);
    if (!stored) return undefined;
    const current = this.#served.get(environmentId);
    if (current && current.dataVersion >= stored.dataVersion) return current;
    const details = await this.#featureDetails(environmentId);
    const descriptions = await this.#segmentDescriptions(environmentId);
    const compiling = performance.now();
    const served = new ServedEnvironment(stored, details, descriptions);
    this.#served.set(environmentId, served);
    this.reloads++;
    // One line per document a process starts serving: where the serving side of the pipeline spends its time.
    this.#options.logger.info(
      {
        environmentId,
        dataVersion: stored.dataVersion,
        bytes: stored.sizeBytes,
        readMs: Math.round(compiling - started),
        compileMs: Math.round(performance.now() - compiling),
      },
      LOADED_MESSAGE,
    );
    for (const listener of this.#listeners) listener(served);
    return served;
  }

  async #featureDetails(environmentId: number): Promise<Map<number, FeatureDetails>> {
    const rows = await this.#options.database.db
      .selectFrom('features')
      .innerJoin('environments', 'environments.project_id', 'features.project_id')
      .where('environments.id', '=', environmentId)
      .select([
        'features.id',
        'features.created_date',
        'features.description',
        'features.initial_value',
        'features.default_enabled',
        // Typed like the document's values; one query with the details, so a load costs no extra round trip.
        sql<unknown[] | null>`(
          SELECT json_agg(CASE o.type WHEN 'int' THEN to_json(o.integer_value)
                                      WHEN 'bool' THEN to_json(o.boolean_value)
                                      ELSE to_json(o.string_value) END ORDER BY o.id)
          FROM multivariate_options o WHERE o.feature_id = features.id
        )`.as('multivariate_options'),
      ])
      .execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Segment descriptions are not in the document; only the deprecated identity route shows them. */
  async #segmentDescriptions(environmentId: number): Promise<Map<number, string | null>> {
    const rows = await this.#options.database.db
      .selectFrom('segments')
      .innerJoin('environments', 'environments.project_id', 'segments.project_id')
      .where('environments.id', '=', environmentId)
      .select(['segments.id', 'segments.description'])
      .execute();
    return new Map(rows.map((row) => [row.id, row.description]));
  }
}
