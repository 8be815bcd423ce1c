import { type Kysely, sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Schema } from '../platform/db/schema.ts';
import { ValidationError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';

export interface AnalyticsLabels {
  clientApplicationName: string;
  clientApplicationVersion: string;
  userAgent: string;
}

const SEPARATOR = '\u0000';

/** The SDK names whose `<name>/<version>` user agents Core keeps as a label (spec §1.2). */
const KNOWN_SDKS = new Set(
  [
    'dotnet',
    'elixir',
    'flutter',
    'go',
    'java',
    'js',
    'kotlin-android',
    'nodejs',
    'php',
    'python',
    'ruby',
    'rust',
    'swift-ios',
  ].map((name) => `flagsmith-${name}-sdk`),
);

/** `flagsmith-nodejs-sdk/9.0.0` is kept; another SDK's version is kept as given; anything else is dropped. */
export function userAgentLabel(value: string | undefined): string {
  if (!value) return '';
  const [name, version] = value.split('/', 2);
  if (!name || !KNOWN_SDKS.has(name)) return '';
  return `${name}/${version && /^\d+\.\d+\.\d+/.test(version) ? version : 'unknown'}`;
}

/**
 * SDK analytics: counts are added up in memory per (environment, feature, hour, labels) and written every
 * `flushMs` as one upsert per key. A failed flush keeps the counts for the next one, so nothing acknowledged is
 * lost while the process lives; a graceful shutdown flushes once more.
 */
export class AnalyticsBuffer {
  readonly #db: Kysely<Schema>;
  readonly #logger: Logger;
  #counts = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  readonly #received: Counter;
  readonly #flushFailures: Counter;

  constructor(deps: { db: Kysely<Schema>; logger: Logger; registry: Registry; flushMs: number }) {
    this.#db = deps.db;
    this.#logger = deps.logger;
    this.#received = new Counter({
      name: 'vexil_sdk_analytics_evaluations_total',
      help: 'Feature evaluations reported by SDKs',
      registers: [deps.registry],
    });
    this.#flushFailures = new Counter({
      name: 'vexil_sdk_analytics_flush_failures_total',
      help: 'Analytics flushes that failed (their counts are kept for the next flush)',
      registers: [deps.registry],
    });
    this.#timer = setInterval(() => void this.flush(), deps.flushMs);
    this.#timer.unref();
  }

  /**
   * Adds the counts of a v1 body `{"feature": count}`. Flagsmith parity: the body must be an object (else 400);
   * entries whose count is not an integer, or whose feature the environment does not have, are dropped silently.
   */
  recordV1(environmentId: number, features: ReadonlySet<string>, body: unknown, labels: AnalyticsLabels) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw ValidationError.field('non_field_errors', 'Expected a JSON object.');
    }
    for (const [name, count] of Object.entries(body)) {
      if (Number.isSafeInteger(count) && (count as number) >= 0 && features.has(name)) {
        this.#add(environmentId, name, count as number, labels);
      }
    }
  }

  /** v2 (split-testing analytics): `{"evaluations":[{feature_name, count, …}]}`, counted like v1 per feature. */
  recordV2(environmentId: number, features: ReadonlySet<string>, body: unknown, labels: AnalyticsLabels) {
    const evaluations = (body as { evaluations?: unknown } | null)?.evaluations;
    if (!Array.isArray(evaluations)) throw ValidationError.field('evaluations', 'This field is required.');
    for (const e of evaluations as Array<{ feature_name?: unknown; count?: unknown }>) {
      const name = e?.feature_name;
      const count = e?.count ?? 1;
      if (
        typeof name === 'string' &&
        Number.isSafeInteger(count) &&
        (count as number) >= 0 &&
        features.has(name)
      ) {
        this.#add(environmentId, name, count as number, labels);
      }
    }
  }

  #add(environmentId: number, feature: string, count: number, labels: AnalyticsLabels) {
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const key = [
      environmentId,
      feature,
      hour,
      labels.clientApplicationName,
      labels.clientApplicationVersion,
      labels.userAgent,
    ].join(SEPARATOR);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + count);
    this.#received.inc(count);
  }

  async flush(): Promise<void> {
    if (this.#counts.size === 0) return;
    const taken = this.#counts;
    this.#counts = new Map();
    const rows = [...taken].map(([key, count]) => {
      const [environmentId, feature, hour, appName, appVersion, userAgent] = key.split(SEPARATOR) as string[];
      return {
        environment_id: Number(environmentId),
        feature_name: feature as string,
        period_start: new Date(Number(hour)),
        client_application_name: appName as string,
        client_application_version: appVersion as string,
        user_agent: userAgent as string,
        count,
      };
    });
    try {
      await this.#db
        .insertInto('feature_evaluation_counts')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns([
              'environment_id',
              'feature_name',
              'period_start',
              'client_application_name',
              'client_application_version',
              'user_agent',
            ])
            .doUpdateSet({ count: sql`feature_evaluation_counts.count + excluded.count` }),
        )
        .execute();
    } catch (err) {
      this.#flushFailures.inc();
      if ((err as { code?: string }).code === '23503') {
        // An environment was deleted since its counts arrived: its counts go with it.
        this.#logger.warn({ err }, 'sdk-api: analytics for a deleted environment dropped');
        return;
      }
      // Keep the counts: add them back to whatever arrived meanwhile.
      for (const [key, count] of taken) this.#counts.set(key, (this.#counts.get(key) ?? 0) + count);
      this.#logger.warn(
        { err, keys: taken.size },
        'sdk-api: analytics flush failed; kept for the next flush',
      );
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
