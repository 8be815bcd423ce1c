import { bulkInsert } from '../../platform/db/bulk-insert.ts';
import { ValidationError } from '../../platform/errors.ts';
import type { Limits } from '../limits/index.ts';
import { OPERATORS } from '../segments/index.ts';
import type { DocRuleWire, DocSegmentWire } from './document-schema.ts';
import { type ImportContext, reserveIds } from './import-context.ts';

const OPERATOR_SET = new Set<string>(OPERATORS);

/**
 * Matches the document's segments to the project's by exact name (each existing segment at most once) and
 * creates the rest; matched ones get the document's rules. Rules and conditions are written in bulk with
 * reserved ids, so 400 segments cost a handful of statements. Returns our id for each document segment, in order.
 */
export async function importSegments(
  ctx: ImportContext,
  segments: readonly DocSegmentWire[],
  limits: Limits,
): Promise<{ ids: number[]; created: number; updated: number }> {
  const { trx, projectId } = ctx;
  segments.forEach((s, i) => {
    limits.assertSegmentShape(s.rules as DocRuleWire[]);
    const bad = findOperator(s.rules as DocRuleWire[]);
    if (bad)
      throw ValidationError.field('project', `Segment ${i} ("${s.name}") uses an unknown operator "${bad}".`);
  });

  const existing = await trx
    .selectFrom('segments')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .where('feature_id', 'is', null)
    .orderBy('id')
    .execute();
  const free = new Map<string, number[]>();
  for (const s of existing) free.set(s.name, [...(free.get(s.name) ?? []), s.id]);
  const ids: (number | undefined)[] = segments.map((s) => free.get(s.name)?.shift());
  const updated = ids.filter((id) => id !== undefined) as number[];
  const newCount = ids.length - updated.length;
  await limits.assertSegments(trx, projectId, newCount);

  const reserved = await reserveIds(trx, 'segments', newCount);
  const newRows: Record<string, unknown>[] = [];
  for (const [i, s] of segments.entries()) {
    if (ids[i] !== undefined) continue;
    const id = reserved.shift() as number;
    ids[i] = id;
    newRows.push({ id, project_id: projectId, name: s.name });
  }
  await bulkInsert(trx, 'segments', { id: 'integer', project_id: 'integer', name: 'text' }, newRows);
  if (updated.length > 0) {
    await trx.deleteFrom('segment_rules').where('segment_id', 'in', updated).execute();
    await trx.updateTable('segments').set({ updated_at: new Date() }).where('id', 'in', updated).execute();
  }

  // Flatten every rule tree; reserve all rule ids at once so children can point at parents.
  const flat: {
    segmentId: number;
    parent: number | null;
    rule: DocRuleWire;
    position: number;
    index: number;
  }[] = [];
  const walk = (segmentId: number, list: readonly DocRuleWire[], parent: number | null) => {
    for (const [position, rule] of list.entries()) {
      const index = flat.length;
      flat.push({ segmentId, parent, rule, position, index });
      walk(segmentId, rule.rules ?? [], -index - 1);
    }
  };
  for (const [i, s] of segments.entries()) walk(ids[i] as number, s.rules as DocRuleWire[], null);
  const ruleIds = await reserveIds(trx, 'segment_rules', flat.length);
  const ruleRows = flat.map((r) => ({
    id: ruleIds[r.index],
    segment_id: r.segmentId,
    // Negative placeholders name a parent by its index in `flat`.
    parent_rule_id: r.parent === null ? null : ruleIds[-r.parent - 1],
    type: r.rule.type,
    position: r.position,
  }));
  await bulkInsert(
    trx,
    'segment_rules',
    { id: 'integer', segment_id: 'integer', parent_rule_id: 'integer', type: 'text', position: 'integer' },
    ruleRows,
  );
  const conditions = flat.flatMap((r) =>
    (r.rule.conditions ?? []).map((c, position) => ({
      segment_id: r.segmentId,
      rule_id: ruleIds[r.index],
      operator: c.operator,
      // Documents spell it property_ (spec §2.1); Flagsmith's API and our tables spell it property.
      property: c.property_ ?? c.property ?? null,
      value: c.value === null || c.value === undefined ? null : String(c.value),
      position,
    })),
  );
  await bulkInsert(
    trx,
    'segment_conditions',
    {
      segment_id: 'integer',
      rule_id: 'integer',
      operator: 'text',
      property: 'text',
      value: 'text',
      position: 'integer',
    },
    conditions,
  );
  return { ids: ids as number[], created: newCount, updated: updated.length };
}

function findOperator(rules: readonly DocRuleWire[]): string | undefined {
  for (const r of rules) {
    const bad = (r.conditions ?? []).find((c) => !OPERATOR_SET.has(c.operator));
    if (bad) return bad.operator;
    const deeper = findOperator(r.rules ?? []);
    if (deeper) return deeper;
  }
  return undefined;
}
