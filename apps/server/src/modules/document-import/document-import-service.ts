import type { Database } from '../../platform/db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges, EnvironmentResolver } from '../environments/index.ts';
import type { Limits } from '../limits/index.ts';
import type { Access } from '../permissions/index.ts';
import type { EnvironmentDocumentWire, ImportResultWire } from './document-schema.ts';
import type { ImportContext } from './import-context.ts';
import { importFeatures } from './import-features.ts';
import { importIdentityOverrides, importSegmentOverrides } from './import-overrides.ts';
import { importSegments } from './import-segments.ts';

const SETTINGS = [
  'allow_client_traits',
  'hide_sensitive_data',
  'hide_disabled_flags',
  'use_identity_composite_key_for_hashing',
  'use_identity_overrides_in_local_eval',
] as const;

/**
 * Vexil addition: loads a Flagsmith environment document into an environment, in one transaction, within the
 * limits. The environment ends up serving what the document describes:
 * - features are matched by name in the project (created when missing, with defaults in every environment);
 *   the environment's default states take the document's values, allocations and hashing seeds (django_id), so
 *   multivariate bucketing matches Flagsmith's;
 * - segments are matched by name (created when missing); matched ones get the document's rules;
 * - the environment's segment overrides and identity overrides are replaced by the document's;
 * - environment settings present in the document are applied.
 * Features and segments the document does not mention are left alone. Needs project admin.
 */
export class DocumentImportService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #resolver: EnvironmentResolver;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;
  readonly #limits: Limits;

  constructor(deps: {
    database: Database;
    access: Access;
    resolver: EnvironmentResolver;
    audit: AuditLog;
    changes: EnvironmentChanges;
    limits: Limits;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#resolver = deps.resolver;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
    this.#limits = deps.limits;
  }

  async import(
    principal: Principal,
    apiKey: string,
    doc: EnvironmentDocumentWire,
  ): Promise<ImportResultWire> {
    const started = performance.now();
    const { environment } = await this.#resolver.byKey(principal, apiKey);
    const project = await this.#access.requireProject(principal, environment.project_id, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const envs = await trx
        .selectFrom('environments')
        .select('id')
        .where('project_id', '=', project.projectId)
        .execute();
      const ctx: ImportContext = {
        trx,
        projectId: project.projectId,
        environmentId: environment.id,
        environmentIds: envs.map((e) => e.id),
      };
      const features = await importFeatures(ctx, doc, this.#limits);
      const segments = await importSegments(ctx, doc.project?.segments ?? [], this.#limits);
      const segmentOverrides = await importSegmentOverrides(ctx, doc, segments.ids, features, this.#limits);
      const identities = await importIdentityOverrides(ctx, doc, features, this.#limits);
      const settings: Record<string, boolean | null> = {};
      for (const key of SETTINGS) {
        const v = doc[key];
        if (v !== undefined && (v !== null || key === 'hide_disabled_flags')) settings[key] = v;
      }
      if (Object.keys(settings).length > 0) {
        await trx.updateTable('environments').set(settings).where('id', '=', environment.id).execute();
      }
      const result: ImportResultWire = {
        environment: environment.api_key,
        features_created: features.created,
        features_updated: features.updated,
        multivariate_options_created: features.optionsCreated,
        segments_created: segments.created,
        segments_updated: segments.updated,
        segment_overrides: segmentOverrides,
        identities_created: identities.identitiesCreated,
        identity_overrides: identities.overrides,
        duration_ms: 0,
      };
      await this.#audit.record(trx, {
        principal,
        organisationId: project.organisationId,
        projectId: project.projectId,
        environmentId: environment.id,
        relatedObjectType: 'IMPORT_REQUEST',
        relatedObjectId: environment.id,
        log: `Environment document imported into ${environment.name}`,
        before: null,
        after: { ...result, source_api_key: doc.api_key ?? null, source_name: doc.name ?? null },
      });
      // New features and changed segments show in every environment of the project.
      await this.#changes.projectChanged(trx, project.projectId, 'environment document imported');
      await this.#limits.assertDocumentSize(trx, [environment.id]);
      return { ...result, duration_ms: Math.round(performance.now() - started) };
    });
  }
}
