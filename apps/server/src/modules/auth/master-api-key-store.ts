import type { Kysely, Selectable } from 'kysely';
import type { MasterApiKeysTable, Schema } from '../../platform/db/schema.ts';

export type MasterApiKeyRow = Selectable<MasterApiKeysTable>;

/** SQL for master API keys. Methods take the executor so the caller's transaction decides the boundary. */
export const masterApiKeyStore = {
  async insert(
    db: Kysely<Schema>,
    row: {
      organisation_id: number;
      name: string;
      prefix: string;
      key_hash: string;
      is_admin?: boolean;
      expiry_date?: Date | null;
    },
  ): Promise<number> {
    const { id } = await db
      .insertInto('master_api_keys')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  /** Candidate keys for a presented key; the caller verifies the hash. Revoked keys never come back. */
  findActiveByPrefix(db: Kysely<Schema>, prefix: string): Promise<MasterApiKeyRow[]> {
    return db
      .selectFrom('master_api_keys')
      .selectAll()
      .where('prefix', '=', prefix)
      .where('revoked', '=', false)
      .execute();
  },

  async isLive(db: Kysely<Schema>, id: number, now: Date): Promise<boolean> {
    const row = await db
      .selectFrom('master_api_keys')
      .select(['revoked', 'expiry_date'])
      .where('id', '=', id)
      .executeTakeFirst();
    return !!row && !row.revoked && (row.expiry_date === null || row.expiry_date > now);
  },

  listByOrganisation(db: Kysely<Schema>, organisationId: number): Promise<MasterApiKeyRow[]> {
    return db
      .selectFrom('master_api_keys')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute();
  },

  findByPrefix(db: Kysely<Schema>, organisationId: number, prefix: string) {
    return db
      .selectFrom('master_api_keys')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('prefix', '=', prefix)
      .orderBy('id', 'desc')
      .executeTakeFirst();
  },

  update(
    db: Kysely<Schema>,
    id: number,
    patch: Partial<Pick<MasterApiKeyRow, 'name' | 'expiry_date' | 'revoked' | 'is_admin'>>,
  ): Promise<MasterApiKeyRow> {
    if (Object.keys(patch).length === 0) {
      return db.selectFrom('master_api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db
      .updateTable('master_api_keys')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};
