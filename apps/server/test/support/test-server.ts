import { type Config, loadConfig } from '../../src/config/config.ts';
import type { EnvironmentChangeSink } from '../../src/modules/environments/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { type Backend, createTestDatabase, type TestDatabase } from './test-databases.ts';

export interface TestServer extends RunningServer {
  testDatabase: TestDatabase;
  /** Closes the server and disposes of its database. */
  dispose(): Promise<void>;
}

/**
 * The real server (same startServer as `npm start`) on a private database and a random port.
 * `env` takes the same variables as production configuration.
 */
export async function startTestServer(
  backend: Backend,
  env: Record<string, string> = {},
  options: { migrated?: boolean; environmentChangeSink?: EnvironmentChangeSink } = {},
): Promise<TestServer> {
  const testDatabase = await createTestDatabase(backend, { migrated: options.migrated ?? true });
  const config: Config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
  const server = await startServer(config, {
    database: testDatabase.database,
    logger: createLogger(config.logLevel),
    ...(options.environmentChangeSink ? { environmentChangeSink: options.environmentChangeSink } : {}),
  });
  return {
    ...server,
    testDatabase,
    async dispose() {
      await server.close();
      await testDatabase.dispose();
    },
  };
}
