import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AdminConfig, loadAdminConfig } from './admin-config.ts';
import { loadSdkSettings, type SdkSettings } from './sdk-config.ts';
import { loadTaskSettings, type TaskSettings } from './task-config.ts';

/** Every role a process can run. One process runs all of them unless VEXIL_ROLES says otherwise. */
export const ALL_ROLES = ['api', 'sdk', 'tasks'] as const;
export type Role = (typeof ALL_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config extends AdminConfig {
  port: number;
  host: string;
  /** Set: a pg pool on real Postgres. Unset: embedded PGlite persisted in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  bootstrapApiKey: string | undefined;
  roles: ReadonlySet<Role>;
  /** How long a SIGTERM waits for in-flight work before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** The built dashboard served at `/` by the api role (VEXIL_DASHBOARD_DIR, default apps/dashboard/dist). */
  dashboardDir: string;
  tasks: TaskSettings;
  sdk: SdkSettings;
}

/** apps/dashboard/dist in this repository, wherever the process was started from. */
const BUILT_DASHBOARD = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

/** Thrown with every problem found, so an operator fixes all of them in one go. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads configuration only from environment variables (twelve-factor), validating each one.
 * Empty strings count as unset, because `FOO= npm start` is how shells unset things.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const port = parseInteger(get('PORT'), 8000, 0, 65535, 'PORT', problems);
  const shutdownTimeoutMs = parseInteger(
    get('VEXIL_SHUTDOWN_TIMEOUT_MS'),
    10_000,
    0,
    600_000,
    'VEXIL_SHUTDOWN_TIMEOUT_MS',
    problems,
  );
  const host = get('HOST') ?? '0.0.0.0';

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(databaseUrl);
    } catch {
      problems.push('DATABASE_URL: not a URL; expected postgres://user@host:5432/database');
    }
    if (parsed && parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      problems.push(
        `DATABASE_URL: protocol must be postgres: or postgresql: (got "${parsed.protocol}"); Vexil speaks only Postgres`,
      );
    } else if (parsed && parsed.pathname.replace(/^\//, '') === '') {
      problems.push('DATABASE_URL: names no database; expected postgres://user@host:5432/database');
    }
  }

  const dataDir = path.resolve(cwd, get('VEXIL_DATA_DIR') ?? './data');
  const dashboardDir = path.resolve(cwd, get('VEXIL_DASHBOARD_DIR') ?? BUILT_DASHBOARD);

  const logLevelRaw = get('LOG_LEVEL') ?? 'info';
  let logLevel: LogLevel = 'info';
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) logLevel = logLevelRaw as LogLevel;
  else problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}")`);

  const bootstrapApiKey = get('VEXIL_BOOTSTRAP_API_KEY');
  if (bootstrapApiKey !== undefined && (bootstrapApiKey.length < 16 || /\s/.test(bootstrapApiKey))) {
    problems.push('VEXIL_BOOTSTRAP_API_KEY: must be at least 16 characters with no whitespace');
  }

  const roles = new Set<Role>();
  const rolesRaw = get('VEXIL_ROLES');
  if (rolesRaw === undefined) for (const r of ALL_ROLES) roles.add(r);
  else {
    for (const part of rolesRaw.split(',').map((s) => s.trim())) {
      if ((ALL_ROLES as readonly string[]).includes(part)) roles.add(part as Role);
      else
        problems.push(
          `VEXIL_ROLES: unknown role "${part}"; roles are ${ALL_ROLES.join(', ')}, comma-separated`,
        );
    }
    if (roles.size === 0 && problems.length === 0) problems.push('VEXIL_ROLES: names no role');
  }

  const int = (raw: string | undefined, fallback: number, min: number, max: number, name: string) =>
    parseInteger(raw, fallback, min, max, name, problems);
  const admin = loadAdminConfig(get, int);
  const tasks = loadTaskSettings(get, int, (problem) => problems.push(problem));
  const sdk = loadSdkSettings(get, int);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    databaseUrl,
    dataDir,
    logLevel,
    bootstrapApiKey,
    roles,
    shutdownTimeoutMs,
    dashboardDir,
    ...admin,
    tasks,
    sdk,
  };
}

function parseInteger(
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return Number(raw);
}
