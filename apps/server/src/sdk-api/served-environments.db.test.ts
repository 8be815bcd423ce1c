import { afterEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachBackend,
  type TestDatabase,
} from '../../test/support/test-databases.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { EnvironmentDocumentStore, type StoredDocument } from '../environment-document/index.ts';
import { createLogger } from '../platform/logger.ts';
import { createSdkFixture, sdkDocument } from './sdk-test-fixture.ts';
import { ServedEnvironments } from './served-environments.ts';

/** A store whose reads, once they have their row, wait until the test opens the gate. Counts what it answered. */
class GatedStore extends EnvironmentDocumentStore {
  reads = 0;
  versionChecks = 0;
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => {};

  close() {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  open() {
    this.#gate = Promise.resolve();
    this.#open();
  }

  override async versions() {
    const versions = await super.versions();
    this.versionChecks++;
    return versions;
  }

  override async read(environmentId: number): Promise<StoredDocument | undefined> {
    const stored = await super.read(environmentId);
    this.reads++;
    await this.#gate;
    return stored;
  }
}

describeEachBackend('served environments', (backend) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('a newer version announced while a reload is reading is loaded next, with one more read for many notices', async () => {
    t = await createTestDatabase(backend);
    const fixture = await createSdkFixture(t.database);
    const store = new GatedStore(t.database.db);
    const served = new ServedEnvironments({
      database: t.database,
      store,
      logger: createLogger('silent'),
      // Never fires during the test: only the explicit checks below load documents.
      refreshIntervalMs: 600_000,
      keyCacheSeconds: 60,
    });
    const document = sdkDocument(fixture.environmentId);
    await fixture.writeDocument(document, 1);
    expect((await served.get(fixture.environmentId))?.dataVersion).toBe(1);

    store.close();
    await fixture.writeDocument(document, 2);
    const first = served.sync();
    // The reload has read version 2 and is held before it compiles.
    await waitFor(() => store.reads === 2, 'the reload to read version 2');
    await fixture.writeDocument(document, 3);
    // Three checks (or notices) that know of version 3 while that reload is still running.
    const later = [served.sync(), served.sync(), served.sync()];
    // All three have their answer (and asked for their reload) while the first reload is still held.
    await waitFor(() => store.versionChecks === 4, 'the three checks to find version 3');
    expect(store.reads).toBe(2);
    store.open();
    await Promise.all([first, ...later]);

    expect((await served.get(fixture.environmentId))?.dataVersion).toBe(3);
    expect(store.reads).toBe(3);
  });
});
