import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/vexil');
    expect(config.port).toBe(8000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('/srv/vexil/data');
    expect(config.logLevel).toBe('info');
    expect(config.bootstrapApiKey).toBeUndefined();
    expect([...config.roles].sort()).toEqual(['api', 'sdk', 'tasks']);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vexil',
        VEXIL_DATA_DIR: '/var/lib/vexil',
        LOG_LEVEL: 'debug',
        VEXIL_BOOTSTRAP_API_KEY: 'a-long-enough-bootstrap-key',
        VEXIL_ROLES: 'sdk, tasks',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 9000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/vexil',
      dataDir: '/var/lib/vexil',
      logLevel: 'debug',
      bootstrapApiKey: 'a-long-enough-bootstrap-key',
    });
    expect([...config.roles]).toEqual(['sdk', 'tasks']);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }).port).toBe(8000);
  });

  it('reports every bad value at once, each naming its variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: '80x',
        DATABASE_URL: 'mysql://root@localhost/db',
        LOG_LEVEL: 'loud',
        VEXIL_BOOTSTRAP_API_KEY: 'short',
        VEXIL_ROLES: 'api,edge',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const byVariable = error?.problems.map((p) => p.split(':')[0]);
    expect(byVariable).toEqual([
      'PORT',
      'DATABASE_URL',
      'LOG_LEVEL',
      'VEXIL_BOOTSTRAP_API_KEY',
      'VEXIL_ROLES',
    ]);
    expect(error?.message).toContain('got "80x"');
    expect(error?.message).toContain('unknown role "edge"');
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'postgres://localhost'],
    ['VEXIL_ROLES', ','],
    ['VEXIL_TASKS_CONCURRENCY', '0'],
    ['VEXIL_TASKS_POLL_INTERVAL_MS', '10'],
    ['VEXIL_TASKS_LEASE_MS', '100'],
    ['VEXIL_TASKS_MEMORY_LIMIT_MB', '8'],
    ['VEXIL_TASKS_MAX_ATTEMPTS', '0'],
    ['VEXIL_TASKS_RETENTION_HOURS', '1.5'],
  ])('rejects %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  - ${name}:`));
  });

  it('has task processor defaults sized for a 2-core machine', () => {
    expect(loadConfig({}).tasks).toEqual({
      concurrency: 2,
      pollIntervalMs: 1_000,
      leaseMs: 30_000,
      defaultTimeoutMs: 60_000,
      defaultMemoryLimitMb: 256,
      defaultMaxAttempts: 5,
      backoffBaseMs: 1_000,
      backoffMaxMs: 300_000,
      degradedDepth: 10_000,
      degradedAgeSeconds: 300,
      retentionHours: 168,
      parkedRetentionHours: 720,
      documentReconcileSeconds: 30,
      testModules: [],
    });
  });

  it('reads every task variable', () => {
    const tasks = loadConfig({
      VEXIL_TASKS_CONCURRENCY: '4',
      VEXIL_TASKS_POLL_INTERVAL_MS: '250',
      VEXIL_TASKS_LEASE_MS: '10000',
      VEXIL_TASKS_TIMEOUT_MS: '5000',
      VEXIL_TASKS_MEMORY_LIMIT_MB: '64',
      VEXIL_TASKS_MAX_ATTEMPTS: '3',
      VEXIL_TASKS_BACKOFF_BASE_MS: '100',
      VEXIL_TASKS_BACKOFF_MAX_MS: '2000',
      VEXIL_TASKS_DEGRADED_DEPTH: '50',
      VEXIL_TASKS_DEGRADED_AGE_SECONDS: '60',
      VEXIL_TASKS_RETENTION_HOURS: '24',
      VEXIL_TASKS_PARKED_RETENTION_HOURS: '48',
      VEXIL_DOCUMENTS_RECONCILE_SECONDS: '5',
    }).tasks;
    expect(tasks).toMatchObject({
      concurrency: 4,
      pollIntervalMs: 250,
      leaseMs: 10_000,
      defaultTimeoutMs: 5_000,
      defaultMemoryLimitMb: 64,
      defaultMaxAttempts: 3,
      backoffBaseMs: 100,
      backoffMaxMs: 2_000,
      degradedDepth: 50,
      degradedAgeSeconds: 60,
      retentionHours: 24,
      parkedRetentionHours: 48,
      documentReconcileSeconds: 5,
    });
  });

  it('rejects a backoff cap below its base', () => {
    expect(() =>
      loadConfig({ VEXIL_TASKS_BACKOFF_BASE_MS: '5000', VEXIL_TASKS_BACKOFF_MAX_MS: '1000' }),
    ).toThrow(/VEXIL_TASKS_BACKOFF_MAX_MS: must be an integer from 5000/);
  });

  it('loads test task modules only under NODE_ENV=test', () => {
    expect(() => loadConfig({ VEXIL_TEST_TASK_MODULES: '/tmp/x.ts' })).toThrow(
      /VEXIL_TEST_TASK_MODULES: only allowed with NODE_ENV=test/,
    );
    const config = loadConfig({ VEXIL_TEST_TASK_MODULES: '/tmp/a.ts, /tmp/b.ts', NODE_ENV: 'test' });
    expect(config.tasks.testModules).toEqual(['/tmp/a.ts', '/tmp/b.ts']);
  });
});
