import { type Kysely, sql } from 'kysely';
import { bulkInsert } from '../../platform/db/bulk-insert.ts';
import type { Schema } from '../../platform/db/schema.ts';
import type { Condition, Rule, RuleInput, Segment } from './segment-types.ts';

export interface SegmentQuery {
  projectId: number;
  search?: string;
  includeFeatureSpecific: boolean;
  offset: number;
  limit: number;
}

type SegmentRow = {
  id: number;
  uuid: string;
  project_id: number;
  feature_id: number | null;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL for segments and their rule trees (three indexed queries load any number of segments). */
export const segmentStore = {
  async list(db: Kysely<Schema>, q: SegmentQuery): Promise<{ count: number; segments: Segment[] }> {
    let base = db.selectFrom('segments').where('project_id', '=', q.projectId);
    if (q.search) base = base.where('name', 'ilike', `%${escapeLike(q.search)}%`);
    if (!q.includeFeatureSpecific) base = base.where('feature_id', 'is', null);
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('id').offset(q.offset).limit(q.limit).execute();
    return { count: Number(counted.n), segments: await this.withRules(db, rows) };
  },

  async get(db: Kysely<Schema>, id: number): Promise<Segment | undefined> {
    const row = await db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? (await this.withRules(db, [row]))[0] : undefined;
  },

  async getByUuid(db: Kysely<Schema>, uuid: string): Promise<Segment | undefined> {
    const row = await db.selectFrom('segments').selectAll().where('uuid', '=', uuid).executeTakeFirst();
    return row ? (await this.withRules(db, [row]))[0] : undefined;
  },

  async insert(
    db: Kysely<Schema>,
    row: { project_id: number; feature_id: number | null; name: string; description: string | null },
  ): Promise<number> {
    const { id } = await db.insertInto('segments').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  },

  async update(
    db: Kysely<Schema>,
    id: number,
    patch: { name?: string; description?: string | null; feature_id?: number | null },
  ): Promise<void> {
    await db
      .updateTable('segments')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  },

  async delete(db: Kysely<Schema>, id: number): Promise<void> {
    await db.deleteFrom('segments').where('id', '=', id).execute();
  },

  /** Replaces a segment's rules with the given tree (rules first, top-down, then all conditions at once). */
  async replaceRules(db: Kysely<Schema>, segmentId: number, rules: readonly RuleInput[]): Promise<void> {
    await db.deleteFrom('segment_rules').where('segment_id', '=', segmentId).execute();
    const conditions: Record<string, unknown>[] = [];
    const insert = async (list: readonly RuleInput[], parent: number | null) => {
      for (const [position, rule] of list.entries()) {
        const { id } = await db
          .insertInto('segment_rules')
          .values({ segment_id: segmentId, parent_rule_id: parent, type: rule.type, position })
          .returning('id')
          .executeTakeFirstOrThrow();
        for (const [i, c] of rule.conditions.entries()) {
          conditions.push({ segment_id: segmentId, rule_id: id, ...c, position: i });
        }
        await insert(rule.rules, id);
      }
    };
    await insert(rules, null);
    await bulkInsert(
      db,
      'segment_conditions',
      {
        segment_id: 'integer',
        rule_id: 'integer',
        operator: 'text',
        property: 'text',
        value: 'text',
        description: 'text',
        position: 'integer',
      },
      conditions,
    );
  },

  async withRules(db: Kysely<Schema>, rows: readonly SegmentRow[]): Promise<Segment[]> {
    const ids = rows.map((r) => r.id);
    const trees = await this.rulesOf(db, ids);
    return rows.map((r) => ({
      id: r.id,
      uuid: r.uuid,
      projectId: r.project_id,
      featureId: r.feature_id,
      name: r.name,
      description: r.description,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      rules: trees.get(r.id) ?? [],
    }));
  },

  async rulesOf(db: Kysely<Schema>, segmentIds: readonly number[]): Promise<Map<number, Rule[]>> {
    const out = new Map<number, Rule[]>();
    if (segmentIds.length === 0) return out;
    const [rules, conditions] = await Promise.all([
      db
        .selectFrom('segment_rules')
        .selectAll()
        .where('segment_id', 'in', segmentIds)
        .orderBy('position')
        .orderBy('id')
        .execute(),
      db
        .selectFrom('segment_conditions')
        .selectAll()
        .where('segment_id', 'in', segmentIds)
        .orderBy('position')
        .orderBy('id')
        .execute(),
    ]);
    const byRule = new Map<number, Condition[]>();
    for (const c of conditions) {
      const list = byRule.get(c.rule_id) ?? [];
      list.push({
        id: c.id,
        operator: c.operator as Condition['operator'],
        property: c.property,
        value: c.value,
        description: c.description,
      });
      byRule.set(c.rule_id, list);
    }
    const nodes = new Map<number, Rule>();
    for (const r of rules)
      nodes.set(r.id, { id: r.id, type: r.type, conditions: byRule.get(r.id) ?? [], rules: [] });
    for (const r of rules) {
      const node = nodes.get(r.id) as Rule;
      if (r.parent_rule_id === null) out.set(r.segment_id, [...(out.get(r.segment_id) ?? []), node]);
      else nodes.get(r.parent_rule_id)?.rules.push(node);
    }
    return out;
  },

  environmentIds(db: Kysely<Schema>, projectId: number) {
    return db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', projectId)
      .execute()
      .then((rows) => rows.map((r) => r.id));
  },
};
