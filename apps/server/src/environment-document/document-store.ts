import { type Kysely, sql } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';

/**
 * NOTIFY channel on which a new document version is announced. Payload: JSON `{"environmentId":n,"dataVersion":v}`.
 * Delivery is best effort (see Database.listen), so serving processes also compare `versions()` periodically.
 */
export const DOCUMENT_CHANNEL = 'vexil_environment_documents';

export interface DocumentNotice {
  environmentId: number;
  dataVersion: number;
}

export interface StoredDocument {
  environmentId: number;
  /** environments.data_version the document was built from. */
  dataVersion: number;
  /** environments.updated_at when it was built: Last-Modified and X-Flagsmith-Document-Updated-At. */
  dataUpdatedAt: Date;
  /** The Flagsmith environment document, serialized once by the builder. */
  document: string;
  sizeBytes: number;
  buildMs: number;
  builtAt: Date;
}

export type NewDocument = Omit<StoredDocument, 'sizeBytes' | 'builtAt'>;

export function parseDocumentNotice(payload: string): DocumentNotice | undefined {
  try {
    const value = JSON.parse(payload) as Partial<DocumentNotice>;
    if (Number.isSafeInteger(value.environmentId) && Number.isSafeInteger(value.dataVersion)) {
      return { environmentId: value.environmentId as number, dataVersion: value.dataVersion as number };
    }
  } catch {
    // A malformed payload is ignored; the periodic version check still finds the document.
  }
  return undefined;
}

/**
 * The `environment_documents` table (migration 0040): written by the pipeline's rebuild task, read by the SDK API.
 * Keeps only the latest document per environment.
 */
export class EnvironmentDocumentStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async read(environmentId: number): Promise<StoredDocument | undefined> {
    const row = await this.#db
      .selectFrom('environment_documents')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      environmentId: row.environment_id,
      dataVersion: Number(row.data_version),
      dataUpdatedAt: row.data_updated_at,
      document: row.document,
      sizeBytes: row.size_bytes,
      buildMs: row.build_ms,
      builtAt: row.built_at,
    };
  }

  /** Every stored document's version, for the serving processes' periodic check (cheap: no document bodies). */
  async versions(): Promise<DocumentNotice[]> {
    const rows = await this.#db
      .selectFrom('environment_documents')
      .select(['environment_id', 'data_version'])
      .execute();
    return rows.map((r) => ({ environmentId: r.environment_id, dataVersion: Number(r.data_version) }));
  }

  /**
   * Stores `doc` unless a document built from the same or newer data is already there (two rebuilds may race:
   * the older one must not win), then announces it on DOCUMENT_CHANNEL. NOTIFY is transactional, so listeners hear
   * of the document only once it is committed. Returns whether it was stored.
   */
  async write(trx: Kysely<Schema>, doc: NewDocument): Promise<boolean> {
    const sizeBytes = Buffer.byteLength(doc.document, 'utf8');
    const result = await trx
      .insertInto('environment_documents')
      .values({
        environment_id: doc.environmentId,
        data_version: doc.dataVersion,
        data_updated_at: doc.dataUpdatedAt,
        document: doc.document,
        size_bytes: sizeBytes,
        build_ms: doc.buildMs,
        built_at: sql<Date>`clock_timestamp()`,
      })
      .onConflict((oc) =>
        oc
          .column('environment_id')
          .doUpdateSet((eb) => ({
            data_version: eb.ref('excluded.data_version'),
            data_updated_at: eb.ref('excluded.data_updated_at'),
            document: eb.ref('excluded.document'),
            size_bytes: eb.ref('excluded.size_bytes'),
            build_ms: eb.ref('excluded.build_ms'),
            built_at: eb.ref('excluded.built_at'),
          }))
          .where('environment_documents.data_version', '<', (eb) => eb.ref('excluded.data_version')),
      )
      .executeTakeFirst();
    const stored = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    if (stored) {
      const notice: DocumentNotice = { environmentId: doc.environmentId, dataVersion: doc.dataVersion };
      await sql`SELECT pg_notify(${DOCUMENT_CHANNEL}, ${JSON.stringify(notice)})`.execute(trx);
    }
    return stored;
  }
}
