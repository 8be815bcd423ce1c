import type { SdkSettings } from '../config/sdk-config.ts';
import { EnvironmentDocumentStore } from '../environment-document/index.ts';
import type { Readiness } from '../health/readiness.ts';
import type { HttpServer } from '../http/server.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { ShutdownStack } from '../platform/shutdown.ts';
import { AnalyticsBuffer } from './analytics.ts';
import { registerAnalyticsRoutes, registerRealtimeRoutes } from './analytics-routes.ts';
import { registerDeprecatedSdkRoutes } from './deprecated-routes.ts';
import { IdentifyService } from './identify.ts';
import { IdentityTraitCache } from './identity-traits.ts';
import { IdentityWriteQueue } from './identity-writes.ts';
import { RealtimeHub } from './realtime.ts';
import { registerSdkMetrics, sdkCanaryCheck, sdkDocumentsCheck } from './sdk-readiness.ts';
import { CORS_ALLOW_HEADERS, NEVER_CACHE, registerSdkRoutes } from './sdk-routes.ts';
import { ServedEnvironments } from './served-environments.ts';
import { registerTraitRoutes } from './trait-routes.ts';

export interface SdkApiDeps {
  http: HttpServer;
  database: Database;
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  shutdown: ShutdownStack;
  settings: SdkSettings;
  /** How long a shutdown may wait for queued identity writes. */
  drainTimeoutMs: number;
}

/** Every SDK path, for CORS preflight. */
const SDK_PATHS = [
  '/api/v1/flags/',
  '/api/v1/flags/:feature_id/multivariate-options/',
  '/api/v1/identities/',
  '/api/v1/identities/:identifier/',
  '/api/v1/identities/:identifier/traits/:trait_key',
  '/api/v1/environment-document/',
  '/api/v1/analytics/flags/',
  '/api/v2/analytics/flags/',
  '/api/v1/traits/',
  '/api/v1/traits/bulk/',
  '/api/v1/traits/increment-value/',
];

/**
 * The Flagsmith SDK API (docs/sdk-api.md): served from documents held in memory, identity writes queued.
 * Registered as its own plugin so its CORS and caching headers apply to SDK routes only.
 */
export async function composeSdkApi(deps: SdkApiDeps): Promise<{ environments: ServedEnvironments }> {
  const { http, database, logger, metrics, readiness, settings } = deps;
  const environments = new ServedEnvironments({
    database,
    store: new EnvironmentDocumentStore(database.db),
    logger,
    refreshIntervalMs: settings.refreshIntervalMs,
    keyCacheSeconds: settings.keyCacheSeconds,
  });
  await environments.start();
  const cache = new IdentityTraitCache(database.db);
  const writes = new IdentityWriteQueue({
    db: database.db,
    cache,
    logger,
    registry: metrics.registry,
    maxPending: settings.identityWriteQueueMax,
  });
  const identify = new IdentifyService({ cache, writes, logger });
  const analytics = new AnalyticsBuffer({
    db: database.db,
    logger,
    registry: metrics.registry,
    flushMs: settings.analyticsFlushMs,
  });
  const realtime = new RealtimeHub(settings.sseKeepAliveMs);
  environments.onChange((environment) => realtime.publish(environment));

  deps.shutdown.push('sdk-api', async () => {
    await environments.stop();
    await writes.drain(deps.drainTimeoutMs);
    await analytics.stop();
  });
  readiness.register('sdk_canary', sdkCanaryCheck(identify));
  readiness.register('sdk_documents', sdkDocumentsCheck(environments, settings.staleAfterSeconds), {
    critical: false,
  });
  registerSdkMetrics(metrics.registry, environments);

  http.register(async (instance) => {
    const app = instance as unknown as HttpServer;
    // Flagsmith answers every origin (django-cors-headers, CORS_ORIGIN_ALLOW_ALL) and exposes only Retry-After.
    app.addHook('onRequest', (_request, reply, done) => {
      reply
        .header('access-control-allow-origin', '*')
        .header('access-control-expose-headers', 'Retry-After')
        .header('cache-control', NEVER_CACHE)
        .header('pragma', 'no-cache');
      done();
    });
    for (const url of SDK_PATHS) {
      app.options(url, async (_request, reply) =>
        reply
          .header('access-control-allow-methods', 'DELETE, GET, OPTIONS, PATCH, POST, PUT')
          .header('access-control-allow-headers', CORS_ALLOW_HEADERS)
          .header('access-control-max-age', '86400')
          .code(200)
          .send(),
      );
    }
    // Open SSE streams would hold the HTTP server's close forever: end them first.
    app.addHook('preClose', async () => realtime.close());
    registerSdkRoutes(app, { environments, identify });
    registerAnalyticsRoutes(app, { environments, analytics });
    registerTraitRoutes(app, { environments, writes, cache });
    registerDeprecatedSdkRoutes(app, { environments, identify, writes, cache });
    registerRealtimeRoutes(app, { environments, realtime });
  });
  return { environments };
}
