import { afterEach, beforeEach, expect, it } from 'vitest';
import { insertProject } from '../../test/support/insert-project.ts';
import {
  createTestDatabase,
  describeEachBackend,
  type TestDatabase,
} from '../../test/support/test-databases.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { DOCUMENT_CHANNEL, EnvironmentDocumentStore, parseDocumentNotice } from './document-store.ts';

async function insertEnvironment(t: TestDatabase): Promise<number> {
  const projectId = await insertProject(t.database, 'p');
  const env = await t.database.db
    .insertInto('environments')
    .values({ name: 'e', project_id: projectId, api_key: 'abcdefghijklmnopqrstuv' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return env.id;
}

const doc = (environmentId: number, dataVersion: number, document: string) => ({
  environmentId,
  dataVersion,
  dataUpdatedAt: new Date('2026-11-21T10:00:00Z'),
  document,
  buildMs: 3,
});

describeEachBackend('environment document store', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(backend);
  });
  afterEach(() => t.dispose());

  it('stores a newer document, refuses an older one, and announces only what it stored', async () => {
    const envId = await insertEnvironment(t);
    const store = new EnvironmentDocumentStore(t.database.db);
    const heard: string[] = [];
    const unlisten = await t.database.listen(DOCUMENT_CHANNEL, (p) => heard.push(p));
    try {
      // Outside a transaction (as the rebuild task writes) and inside one (as a caller's transaction would).
      expect(await store.write(t.database.db, doc(envId, 2, '{"v":2}'))).toBe(true);
      // A slower rebuild of older data finishes later: it must not replace the newer document.
      expect(
        await t.database.db.transaction().execute((trx) => store.write(trx, doc(envId, 1, '{"v":1}'))),
      ).toBe(false);
      const stored = await store.read(envId);
      expect(stored).toMatchObject({
        environmentId: envId,
        dataVersion: 2,
        document: '{"v":2}',
        sizeBytes: 7,
      });
      expect(stored?.dataUpdatedAt.toISOString()).toBe('2026-11-21T10:00:00.000Z');
      expect(await store.versions()).toEqual([{ environmentId: envId, dataVersion: 2 }]);
      await waitFor(() => heard.length > 0, 'the NOTIFY of the stored document');
      expect(heard.map(parseDocumentNotice)).toEqual([{ environmentId: envId, dataVersion: 2 }]);
    } finally {
      await unlisten();
    }
  });

  it('reads nothing for an environment without a document, and ignores malformed notices', async () => {
    const store = new EnvironmentDocumentStore(t.database.db);
    expect(await store.read(123456)).toBeUndefined();
    expect(parseDocumentNotice('not json')).toBeUndefined();
    expect(parseDocumentNotice('{"environmentId":"1","dataVersion":2}')).toBeUndefined();
  });
});
