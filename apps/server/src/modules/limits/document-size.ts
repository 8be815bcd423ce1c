import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

/**
 * Bytes each part of an environment document costs in its JSON form (spec §2.1), apart from the variable-length
 * strings added per row. Calibrated on the 2023 incident document (shared/tools/gen-env-doc.mjs): the estimate
 * lands within ±15% of `JSON.stringify(document).length` (test: document-size.db.test.ts).
 */
const COST = {
  base: 1_500,
  featureState: 215,
  mvValue: 175,
  segment: 60,
  rule: 45,
  condition: 50,
  identity: 280,
};

/**
 * Estimates the size in bytes of an environment's SDK document from the stored rows, in one query, without
 * building it. Used by write-time limits; the document builder may call it to decide how to build or page.
 */
export async function estimateEnvironmentDocumentBytes(
  db: Kysely<Schema>,
  environmentId: number,
): Promise<number> {
  const { rows } = await sql<{ bytes: number }>`
    WITH env AS (SELECT id, project_id FROM environments WHERE id = ${environmentId}),
    states AS (
      SELECT fs.id, fs.identity_id, octet_length(coalesce(fs.string_value, '')) + octet_length(f.name) AS len
      FROM feature_states fs JOIN features f ON f.id = fs.feature_id
      WHERE fs.environment_id = ${environmentId}
    ),
    used_segments AS (
      SELECT s.id, s.name FROM segments s, env
      WHERE s.project_id = env.project_id
        AND (s.feature_id IS NULL OR EXISTS (SELECT 1 FROM feature_segments x
             WHERE x.segment_id = s.id AND x.environment_id = ${environmentId}))
    )
    SELECT (
      ${COST.base}
      + (SELECT coalesce(sum(${COST.featureState} + len), 0) FROM states)
      + (SELECT coalesce(sum(${COST.mvValue} + octet_length(coalesce(o.string_value, ''))), 0)
         FROM feature_state_mv_values v
         JOIN states st ON st.id = v.feature_state_id
         JOIN multivariate_options o ON o.id = v.multivariate_option_id)
      + (SELECT coalesce(sum(${COST.segment} + octet_length(name)), 0) FROM used_segments)
      + (SELECT count(*) * ${COST.rule} FROM segment_rules r JOIN used_segments u ON u.id = r.segment_id)
      + (SELECT coalesce(sum(${COST.condition} + octet_length(coalesce(c.property, ''))
                             + octet_length(coalesce(c.value, ''))), 0)
         FROM segment_conditions c JOIN used_segments u ON u.id = c.segment_id)
      + (SELECT coalesce(sum(${COST.identity} + 2 * octet_length(i.identifier)), 0)
         FROM identities i
         WHERE i.environment_id = ${environmentId}
           AND EXISTS (SELECT 1 FROM feature_states x WHERE x.identity_id = i.id))
    )::bigint AS bytes`.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}
