import { randomUUID } from 'node:crypto';
import type { Config } from './config/config.ts';
import {
  createDocumentMetrics,
  EnvironmentDocumentStore,
  RECONCILE_TASK,
  rebuildEnvironmentDocumentTask,
  rebuildingEnvironmentChangeSink,
  reconcileEnvironmentDocumentsTask,
  registerDocumentRoutes,
} from './environment-document/index.ts';
import { databaseCheck, migrationsCheck } from './health/database-checks.ts';
import { registerHealthRoutes } from './health/health-routes.ts';
import { Readiness } from './health/readiness.ts';
import { registerDashboard } from './http/dashboard.ts';
import { DOCS_PATH, OPENAPI_PATH, registerOpenApi } from './http/openapi.ts';
import { createHttpServer, type HttpServer } from './http/server.ts';
import { AuditLog, type AuditReadAccess, registerAuditRoutes } from './modules/audit/index.ts';
import {
  createRequireAuth,
  LoginRateLimiter,
  MasterApiKeyAuthenticator,
  registerAuthRoutes,
  TokenAuthenticator,
  UserService,
} from './modules/auth/index.ts';
import { DocumentImportService, registerDocumentImportRoutes } from './modules/document-import/index.ts';
import {
  type EnvironmentChangeSink,
  EnvironmentChanges,
  EnvironmentResolver,
  EnvironmentService,
  registerEnvironmentRoutes,
} from './modules/environments/index.ts';
import {
  FeatureService,
  FeatureStateService,
  featureEnvironmentLifecycle,
  IdentityOverrideService,
  MvOptionService,
  registerFeatureEvaluationDataRoutes,
  registerFeatureRoutes,
  registerFeatureStateRoutes,
  registerIdentityOverrideRoutes,
  registerSegmentOverrideRoutes,
  SegmentOverrideService,
  StateWriter,
} from './modules/features/index.ts';
import { IdentityService, registerIdentityRoutes } from './modules/identities/index.ts';
import { Limits } from './modules/limits/index.ts';
import {
  MasterApiKeyService,
  OrganisationService,
  registerMasterApiKeyRoutes,
  registerOrganisationRoutes,
} from './modules/organisations/index.ts';
import {
  Access,
  GroupService,
  PermissionService,
  registerGroupRoutes,
  registerPermissionRoutes,
} from './modules/permissions/index.ts';
import { ProjectService, registerProjectRoutes } from './modules/projects/index.ts';
import { registerSegmentRoutes, SegmentService } from './modules/segments/index.ts';
import { registerTagRoutes, TagService } from './modules/tags/index.ts';
import type { Database } from './platform/db/database.ts';
import type { MigrationFile } from './platform/db/migration-files.ts';
import type { Logger } from './platform/logger.ts';
import type { Metrics } from './platform/metrics.ts';
import type { ShutdownStack } from './platform/shutdown.ts';
import { composeSdkApi } from './sdk-api/index.ts';
import {
  createTaskMetrics,
  housekeepingTask,
  loadTestTaskModules,
  QueueStats,
  registerTaskRoutes,
  startTaskProcessor,
  TaskQueue,
  TaskRegistry,
  taskQueueCheck,
} from './tasks/index.ts';

export interface ComposeDeps {
  config: Config;
  database: Database;
  migrations: readonly MigrationFile[];
  logger: Logger;
  metrics: Metrics;
  shutdown: ShutdownStack;
  /** Where admin writes report stale environment documents. Default: enqueue a document rebuild (tests replace it). */
  environmentChangeSink?: EnvironmentChangeSink;
}

export interface Composed {
  http: HttpServer;
  readiness: Readiness;
  /** Enqueues tasks; available in every role (an api process enqueues what a tasks process runs). */
  taskQueue: TaskQueue;
}

/**
 * The composition root: the only place that knows every module. It builds stores, services and routes in
 * dependency order for the roles this process runs. Tests build the same graph through startServer().
 */
export async function compose(deps: ComposeDeps): Promise<Composed> {
  const { config, database, logger, metrics } = deps;
  const instanceId = `${process.pid}-${randomUUID()}`;
  const http = createHttpServer({ logger, metrics });
  const readiness = new Readiness();

  readiness.register('database', databaseCheck(database, instanceId));
  readiness.register('migrations', migrationsCheck(database, deps.migrations));
  registerHealthRoutes(http, { readiness, metrics });

  // Tasks: every role can enqueue and report queue depth; only the tasks role runs them.
  const testTasks = await loadTestTaskModules(config.tasks.testModules);
  if (testTasks.length > 0) {
    logger.warn(
      { types: testTasks.map((t) => t.type) },
      'TEST ONLY: task types from VEXIL_TEST_TASK_MODULES',
    );
  }
  const taskRegistry = new TaskRegistry(
    [housekeepingTask, rebuildEnvironmentDocumentTask, reconcileEnvironmentDocumentsTask, ...testTasks],
    {
      timeoutMs: config.tasks.defaultTimeoutMs,
      memoryLimitMb: config.tasks.defaultMemoryLimitMb,
      maxAttempts: config.tasks.defaultMaxAttempts,
    },
  );
  const queueStats = new QueueStats(database.db);
  const taskMetrics = createTaskMetrics(metrics.registry, queueStats);
  const taskQueue = new TaskQueue(taskRegistry, (type, coalesced) =>
    taskMetrics.enqueued.inc({ type, result: coalesced ? 'coalesced' : 'inserted' }),
  );

  if (config.roles.has('api')) {
    // Every change enqueues a rebuild of the environment's document in the writing transaction.
    const changes = new EnvironmentChanges(
      deps.environmentChangeSink ?? rebuildingEnvironmentChangeSink(taskQueue),
    );
    // Registered as one plugin so that the OpenAPI generator's onRoute hook sees every admin route.
    http.register(async (instance) => {
      const api = instance as unknown as HttpServer;
      await registerOpenApi(api, '0.1.0');
      composeAdminApi(api, { config, database, changes });
    });
    // The web dashboard at `/`; it uses only the admin API above, over HTTP.
    http.register(async (instance) => {
      await registerDashboard(instance as unknown as HttpServer, { dir: config.dashboardDir, logger });
    });
  }

  if (config.roles.has('sdk')) {
    await composeSdkApi({
      http,
      database,
      logger,
      metrics,
      readiness,
      shutdown: deps.shutdown,
      settings: config.sdk,
      drainTimeoutMs: Math.floor(config.shutdownTimeoutMs * 0.5),
    });
  }

  if (config.roles.has('tasks')) {
    const documentMetrics = createDocumentMetrics(metrics.registry, database);
    const processor = await startTaskProcessor({
      database,
      registry: taskRegistry,
      queue: taskQueue,
      logger,
      metrics: taskMetrics,
      concurrency: config.tasks.concurrency,
      pollIntervalMs: config.tasks.pollIntervalMs,
      leaseMs: config.tasks.leaseMs,
      backoff: { baseMs: config.tasks.backoffBaseMs, maxMs: config.tasks.backoffMaxMs },
      // The rest of the shutdown budget closes HTTP before and the database after.
      drainTimeoutMs: Math.floor(config.shutdownTimeoutMs * 0.75),
      schedules: [
        {
          type: housekeepingTask.type,
          everySeconds: 3600,
          payload: {
            retentionHours: config.tasks.retentionHours,
            parkedRetentionHours: config.tasks.parkedRetentionHours,
          },
        },
        // The safety net behind the change sink: rebuilds documents that are missing or behind their data.
        { type: RECONCILE_TASK, everySeconds: config.tasks.documentReconcileSeconds },
      ],
      onTaskLog: documentMetrics.onTaskLog,
    });
    deps.shutdown.push('tasks', () => processor.stop());
    readiness.register(
      'task_queue',
      taskQueueCheck(queueStats, {
        depth: config.tasks.degradedDepth,
        ageSeconds: config.tasks.degradedAgeSeconds,
      }),
      { critical: false },
    );
  }

  return { http, readiness, taskQueue };
}

/**
 * Flagsmith's Go client (behind its Terraform provider) sends `Content-Type: application/json` on every request,
 * DELETE included, with no body; Fastify's JSON parser refuses an empty body. An empty body is no body here.
 */
function acceptEmptyJsonBodies(app: HttpServer) {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    return parseJson(request, text, done);
  });
}

/** Admin routes that work without credentials: logging in, signing up and whether a first user is needed. */
const PUBLIC_ROUTES = new Set([
  'POST /api/v1/auth/login/',
  'POST /api/v1/auth/users/',
  'GET /api/v1/auth/setup/',
]);

function composeAdminApi(
  app: HttpServer,
  deps: { config: Config; database: Database; changes: EnvironmentChanges },
) {
  const { config, database, changes } = deps;
  const db = database.db;
  const keyAuthenticator = new MasterApiKeyAuthenticator(db);
  const tokens = new TokenAuthenticator(db);
  const requireAuth = createRequireAuth(keyAuthenticator, tokens);
  acceptEmptyJsonBodies(app);
  // Authenticate before anything else (like DRF): a request without valid credentials gets 401 even when its body
  // is invalid or the object does not exist, so nothing about the data shows through validation or lookups.
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (
      !url ||
      PUBLIC_ROUTES.has(`${request.method} ${url}`) ||
      url.startsWith(DOCS_PATH) ||
      url === OPENAPI_PATH
    )
      return;
    await requireAuth(request);
  });
  const access = new Access(db);
  const audit = new AuditLog(db);
  const limits = new Limits(config.limits);
  const resolver = new EnvironmentResolver(db, access);

  const users = new UserService({ database, limiter: new LoginRateLimiter(config.loginRateLimit), tokens });
  registerAuthRoutes(app, { users, requireAuth });

  const organisations = new OrganisationService({ database, access, audit, changes });
  registerOrganisationRoutes(app, { organisations, requireAuth });
  const masterKeys = new MasterApiKeyService({ database, access, audit, authenticator: keyAuthenticator });
  registerMasterApiKeyRoutes(app, { keys: masterKeys, requireAuth });

  registerPermissionRoutes(app, {
    permissions: new PermissionService({ database, access, audit }),
    requireAuth,
  });
  registerGroupRoutes(app, { groups: new GroupService({ database, access, audit }), requireAuth });

  const projects = new ProjectService({ database, access, audit, changes });
  registerProjectRoutes(app, { projects, limits, requireAuth });

  const environments = new EnvironmentService({
    database,
    access,
    resolver,
    audit,
    changes,
    lifecycle: featureEnvironmentLifecycle,
  });
  registerEnvironmentRoutes(app, { environments, resolver, limits, requireAuth });

  const features = new FeatureService({ database, access, audit, changes, limits });
  const options = new MvOptionService({
    database,
    access,
    features,
    audit,
    changes,
    maxValueLength: config.limits.maxFeatureValueLength,
  });
  registerFeatureRoutes(app, { features, options, requireAuth });
  registerFeatureEvaluationDataRoutes(app, { features, database, requireAuth });
  registerTagRoutes(app, { tags: new TagService({ database, access, audit }), requireAuth });
  registerSegmentRoutes(app, {
    segments: new SegmentService({ database, access, audit, changes, limits }),
    requireAuth,
  });

  const writer = new StateWriter({ audit, changes, limits });
  const overrides = new SegmentOverrideService({ database, access, resolver, writer, audit, changes });
  registerSegmentOverrideRoutes(app, { overrides, requireAuth });
  registerFeatureStateRoutes(app, {
    states: new FeatureStateService({ database, access, resolver, writer, overrides }),
    requireAuth,
  });
  registerIdentityRoutes(app, {
    identities: new IdentityService({ database, resolver, audit, changes }),
    requireAuth,
  });
  registerIdentityOverrideRoutes(app, {
    identityOverrides: new IdentityOverrideService({ database, resolver, writer }),
    requireAuth,
  });

  registerDocumentImportRoutes(app, {
    imports: new DocumentImportService({ database, access, resolver, audit, changes, limits }),
    requireAuth,
    maxBodyBytes: Math.max(10 * 1024 * 1024, 2 * config.limits.maxEnvironmentDocumentBytes),
  });

  registerDocumentRoutes(app, {
    resolver,
    documents: new EnvironmentDocumentStore(db),
    requireAuth,
  });
  registerAuditRoutes(app, { audit, access: auditReadAccess(access, resolver), requireAuth });
  registerTaskRoutes(app, { database, requireAuth });
}

/** The audit routes' view of permissions. */
function auditReadAccess(access: Access, resolver: EnvironmentResolver): AuditReadAccess {
  return {
    async auditableProjectIds(principal, organisationId) {
      const out: number[] = [];
      for (const id of await access.viewableProjectIds(principal, organisationId)) {
        const p = await access.project(principal, id);
        if (p && (p.admin || p.permissions.has('VIEW_AUDIT_LOG'))) out.push(id);
      }
      return out;
    },
    async requireProjectAuditLog(principal, projectId) {
      await access.requireProject(principal, projectId, 'VIEW_AUDIT_LOG');
    },
    async requireOrganisationAdmin(principal, organisationId) {
      await access.requireOrganisation(principal, organisationId, 'ADMIN');
    },
    async requireEnvironmentAuditLog(principal, apiKey) {
      const { environment } = await resolver.byKey(principal, apiKey);
      await access.requireProject(principal, environment.project_id, 'VIEW_AUDIT_LOG');
      return { environmentId: environment.id, projectId: environment.project_id };
    },
  };
}
