import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checksumOf, MIGRATIONS_DIR } from '../../src/platform/db/migration-files.ts';
import { spawnServer, waitForStatus } from '../support/server-process.ts';
import {
  createPostgresDatabase,
  describeEachBackend,
  dropPostgresDatabase,
  postgresUrlFor,
} from '../support/test-databases.ts';

/**
 * The January 2021 outage, replayed against the real process: an applied migration is edited (or removed) and
 * the server must refuse to start, exit non-zero, and name the file. Runs on both databases.
 */
describeEachBackend('npm start', (backend) => {
  let env: Record<string, string>;
  let migrationsDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-start-'));
    migrationsDir = path.join(tmp, 'migrations');
    fs.cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    env = {
      VEXIL_MIGRATIONS_DIR: migrationsDir,
      LOG_LEVEL: 'info',
      VEXIL_BOOTSTRAP_API_KEY: 'bootstrap-key-for-e2e-tests',
    };
    if (backend === 'pglite') {
      env.VEXIL_DATA_DIR = path.join(tmp, 'data');
      cleanup = async () => fs.rmSync(tmp, { recursive: true, force: true });
    } else {
      const name = await createPostgresDatabase();
      env.DATABASE_URL = postgresUrlFor(name);
      cleanup = async () => {
        await dropPostgresDatabase(name);
        fs.rmSync(tmp, { recursive: true, force: true });
      };
    }
  });
  afterEach(() => cleanup());

  async function startAndStop() {
    const server = spawnServer(env);
    const url = await server.ready;
    const ready = await waitForStatus(`${url}/health/readiness`, 200);
    expect(((await ready.json()) as { status: string }).status).toBe('ok');
    const orgs = await fetch(`${url}/api/v1/organisations/`, {
      headers: { authorization: 'Api-Key bootstrap-key-for-e2e-tests' },
    });
    const body = (await orgs.json()) as { results: Array<{ name: string }> };
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    return body.results.map((o) => o.name);
  }

  it('keeps its data across a restart and shuts down cleanly on SIGTERM', async () => {
    expect(await startAndStop()).toEqual(['Default']);
    expect(await startAndStop()).toEqual(['Default']);
  });

  it('refuses to start after an applied migration was edited, naming the file and both checksums', async () => {
    await startAndStop();
    const file = fs.readdirSync(migrationsDir).sort()[0] as string;
    const original = fs.readFileSync(path.join(migrationsDir, file));
    fs.appendFileSync(path.join(migrationsDir, file), '\nALTER TABLE organisations ADD COLUMN sneaky int;\n');
    const server = spawnServer(env);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(`migrations/${file} has changed since it was applied`);
    expect(server.output()).toContain(checksumOf(original));
    expect(server.output()).toContain(checksumOf(fs.readFileSync(path.join(migrationsDir, file))));
    expect(server.output()).toContain('Migrations are immutable');
  });

  it('refuses to start when the database has a migration the code does not', async () => {
    fs.writeFileSync(path.join(migrationsDir, '9999_from_the_future.sql'), 'CREATE TABLE future (id int);');
    await startAndStop();
    fs.rmSync(path.join(migrationsDir, '9999_from_the_future.sql'));
    const server = spawnServer(env);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('the database has applied 9999_from_the_future.sql');
  });
});
