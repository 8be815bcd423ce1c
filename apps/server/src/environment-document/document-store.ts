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
   * the older one must not win), and announces it on DOCUMENT_CHANNEL, in one statement: it needs no transaction
   * of its own (a rebuild saves the round trips of BEGIN, COMMIT and pinning a connection through its worker
   * thread's proxy), and the NOTIFY still happens exactly when the row changed, delivered at commit. Inside a
   * caller's transaction it commits with it. Returns whether it was stored.
   */
  async write(executor: Kysely<Schema>, doc: NewDocument): Promise<boolean> {
    const sizeBytes = Buffer.byteLength(doc.document, 'utf8');
    const notice: DocumentNotice = { environmentId: doc.environmentId, dataVersion: doc.dataVersion };
    const { rows } = await sql<{ notified: unknown }>`
      WITH stored AS (
        INSERT INTO environment_documents
          (environment_id, data_version, data_updated_at, document, size_bytes, build_ms, built_at)
        VALUES (${doc.environmentId}, ${doc.dataVersion}, ${doc.dataUpdatedAt}, ${doc.document}, ${sizeBytes},
          ${doc.buildMs}, clock_timestamp())
        ON CONFLICT (environment_id) DO UPDATE SET
          data_version = EXCLUDED.data_version,
          data_updated_at = EXCLUDED.data_updated_at,
          document = EXCLUDED.document,
          size_bytes = EXCLUDED.size_bytes,
          build_ms = EXCLUDED.build_ms,
          built_at = EXCLUDED.built_at
        WHERE environment_documents.data_version < EXCLUDED.data_version
        RETURNING 1
      )
      SELECT pg_notify(${DOCUMENT_CHANNEL}, ${JSON.stringify(notice)}) AS notified FROM stored`.execute(
      executor,
    );
    return rows.length > 0;
  }
}
