import type { Database } from '../../platform/db/database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import {
  generateMasterApiKey,
  keyPrefix,
  type MasterApiKeyAuthenticator,
  type MasterApiKeyRow,
  masterApiKeyStore,
  type Principal,
  storeMasterApiKey,
} from '../auth/index.ts';
import type { Access } from '../permissions/index.ts';

const auditJson = (k: MasterApiKeyRow) => ({
  id: k.id,
  prefix: k.prefix,
  name: k.name,
  revoked: k.revoked,
  expiry_date: k.expiry_date,
  is_admin: k.is_admin,
});

/** Flagsmith's `organisations/{id}/master-api-keys/` (looked up by prefix). Organisation admins only. */
export class MasterApiKeyService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;
  readonly #authenticator: MasterApiKeyAuthenticator;

  constructor(deps: {
    database: Database;
    access: Access;
    audit: AuditLog;
    authenticator: MasterApiKeyAuthenticator;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
    this.#authenticator = deps.authenticator;
  }

  async list(principal: Principal, organisationId: number): Promise<MasterApiKeyRow[]> {
    await this.#access.requireOrganisation(principal, organisationId, 'ADMIN');
    return masterApiKeyStore.listByOrganisation(this.#database.db, organisationId);
  }

  async get(principal: Principal, organisationId: number, prefix: string): Promise<MasterApiKeyRow> {
    await this.#access.requireOrganisation(principal, organisationId, 'ADMIN');
    const row = await masterApiKeyStore.findByPrefix(this.#database.db, organisationId, prefix);
    if (!row) throw new NotFoundError();
    return row;
  }

  /** Returns the row and the key itself, which is shown this once and stored only as a slow hash. */
  async create(
    principal: Principal,
    organisationId: number,
    input: { name: string; expiryDate: Date | null; isAdmin: boolean },
  ): Promise<{ row: MasterApiKeyRow; key: string }> {
    await this.#access.requireOrganisation(principal, organisationId, 'ADMIN');
    const key = generateMasterApiKey();
    return this.#database.db.transaction().execute(async (trx) => {
      await storeMasterApiKey(trx, {
        organisationId,
        name: input.name,
        key,
        isAdmin: input.isAdmin,
        expiryDate: input.expiryDate,
      });
      const row = await masterApiKeyStore.findByPrefix(trx, organisationId, keyPrefix(key));
      if (!row) throw new Error('master API key vanished');
      await this.#audit.record(trx, {
        principal,
        organisationId,
        relatedObjectType: 'MASTER_API_KEY',
        relatedObjectId: row.id,
        log: `Master API key created: ${row.name}`,
        after: auditJson(row),
      });
      return { row, key };
    });
  }

  async update(
    principal: Principal,
    organisationId: number,
    prefix: string,
    patch: { name?: string; expiryDate?: Date | null; revoked?: boolean; isAdmin?: boolean },
  ): Promise<MasterApiKeyRow> {
    const before = await this.get(principal, organisationId, prefix);
    return this.#database.db.transaction().execute(async (trx) => {
      const row = await masterApiKeyStore.update(trx, before.id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.expiryDate !== undefined ? { expiry_date: patch.expiryDate } : {}),
        // A revoked key stays revoked, as in Flagsmith.
        ...(patch.revoked === true ? { revoked: true } : {}),
        ...(patch.isAdmin !== undefined ? { is_admin: patch.isAdmin } : {}),
      });
      await this.#audit.record(trx, {
        principal,
        organisationId,
        relatedObjectType: 'MASTER_API_KEY',
        relatedObjectId: row.id,
        log: `Master API key updated: ${row.name}`,
        before: auditJson(before),
        after: auditJson(row),
      });
      this.#authenticator.forget(row.id);
      return row;
    });
  }

  /** DELETE revokes (the row stays for the audit log), exactly like Flagsmith. */
  async revoke(principal: Principal, organisationId: number, prefix: string): Promise<void> {
    await this.update(principal, organisationId, prefix, { revoked: true });
  }
}
