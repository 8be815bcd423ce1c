import type { Database } from '../../src/platform/db/database.ts';

/** Inserts an organisation and a project in it, straight into the tables; returns the project's id. */
export async function insertProject(database: Database, name: string): Promise<number> {
  const org = await database.db
    .insertInto('organisations')
    .values({ name })
    .returning('id')
    .executeTakeFirstOrThrow();
  const project = await database.db
    .insertInto('projects')
    .values({ name, organisation_id: org.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  return project.id;
}
