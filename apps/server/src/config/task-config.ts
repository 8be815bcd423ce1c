/** The task processor's settings (docs/tasks.md#configuration). Defaults suit a 2-core machine. */
export interface TaskSettings {
  /** Worker threads per process, i.e. tasks running at once. */
  concurrency: number;
  /** Fallback wake-up when no notification arrives (a lost LISTEN connection, another database client). */
  pollIntervalMs: number;
  /** A running task whose process stops extending its lease for this long is handed to another process. */
  leaseMs: number;
  defaultTimeoutMs: number;
  defaultMemoryLimitMb: number;
  defaultMaxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Readiness turns degraded when due tasks of one type exceed this count ... */
  degradedDepth: number;
  /** ... or the oldest due task of one type has waited longer than this. */
  degradedAgeSeconds: number;
  /** Succeeded, cancelled and superseded tasks are deleted after this long; parked ones after the second. */
  retentionHours: number;
  parkedRetentionHours: number;
  /** How often the reconciler looks for environment documents that are missing or behind their data. */
  documentReconcileSeconds: number;
  /** TEST ONLY (refused unless NODE_ENV=test): extra modules whose exported task definitions are registered. */
  testModules: readonly string[];
}

export type ParseInteger = (
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
) => number;

const HOUR_MS = 3_600_000;

export function loadTaskSettings(
  get: (name: string) => string | undefined,
  parse: ParseInteger,
  report: (problem: string) => void,
): TaskSettings {
  const int = (name: string, fallback: number, min: number, max: number) =>
    parse(get(name), fallback, min, max, name);
  const backoffBaseMs = int('VEXIL_TASKS_BACKOFF_BASE_MS', 1_000, 0, HOUR_MS);
  const settings: TaskSettings = {
    concurrency: int('VEXIL_TASKS_CONCURRENCY', 2, 1, 64),
    pollIntervalMs: int('VEXIL_TASKS_POLL_INTERVAL_MS', 1_000, 50, 600_000),
    leaseMs: int('VEXIL_TASKS_LEASE_MS', 30_000, 500, HOUR_MS),
    defaultTimeoutMs: int('VEXIL_TASKS_TIMEOUT_MS', 60_000, 100, 24 * HOUR_MS),
    defaultMemoryLimitMb: int('VEXIL_TASKS_MEMORY_LIMIT_MB', 256, 16, 65_536),
    defaultMaxAttempts: int('VEXIL_TASKS_MAX_ATTEMPTS', 5, 1, 100),
    backoffBaseMs,
    backoffMaxMs: int('VEXIL_TASKS_BACKOFF_MAX_MS', 300_000, backoffBaseMs, 24 * HOUR_MS),
    degradedDepth: int('VEXIL_TASKS_DEGRADED_DEPTH', 10_000, 1, 1_000_000_000),
    degradedAgeSeconds: int('VEXIL_TASKS_DEGRADED_AGE_SECONDS', 300, 1, 86_400 * 30),
    retentionHours: int('VEXIL_TASKS_RETENTION_HOURS', 168, 1, 87_600),
    parkedRetentionHours: int('VEXIL_TASKS_PARKED_RETENTION_HOURS', 720, 1, 87_600),
    documentReconcileSeconds: int('VEXIL_DOCUMENTS_RECONCILE_SECONDS', 30, 1, 86_400),
    testModules: [],
  };
  const testModules = get('VEXIL_TEST_TASK_MODULES');
  if (testModules !== undefined) {
    // Loading code named by a variable is a test hook; refusing it elsewhere keeps it from becoming a plugin system.
    if (get('NODE_ENV') !== 'test') report('VEXIL_TEST_TASK_MODULES: only allowed with NODE_ENV=test');
    else {
      settings.testModules = testModules
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
  }
  return settings;
}
