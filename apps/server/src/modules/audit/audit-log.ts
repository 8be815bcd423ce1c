import type { Kysely } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import { auditStore } from './audit-store.ts';
import type { AuditEntry, AuditQuery, AuditRecord } from './audit-types.ts';

/**
 * The only writer of the audit log. Services call `record` with their transaction so that the entry commits or
 * rolls back with the change it describes.
 */
export class AuditLog {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  record(trx: Kysely<Schema>, entry: AuditEntry): Promise<number> {
    return auditStore.insert(trx, entry);
  }

  list(query: AuditQuery): Promise<{ count: number; records: AuditRecord[] }> {
    return auditStore.list(this.#db, query);
  }

  get(id: number): Promise<AuditRecord | undefined> {
    return auditStore.get(this.#db, id);
  }
}
