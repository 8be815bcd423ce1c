import { beforeAll, expect, it } from 'vitest';
import { unique, World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

const OPERATORS = [
  ['EQUAL', 'plan', 'beta'],
  ['NOT_EQUAL', 'country', 'GB'],
  ['GREATER_THAN', 'age', '18'],
  ['GREATER_THAN_INCLUSIVE', 'version', '1.2.0:semver'],
  ['LESS_THAN', 'age', '65'],
  ['LESS_THAN_INCLUSIVE', 'logins', '10'],
  ['CONTAINS', 'email', '@example.com'],
  ['NOT_CONTAINS', 'email', 'test'],
  ['REGEX', 'email', '^a.*'],
  ['PERCENTAGE_SPLIT', null, '25'],
  ['MODULO', 'user_id', '2|0'],
  ['IS_SET', 'beta', null],
  ['IS_NOT_SET', 'legacy', null],
  ['IN', 'country', 'GB,US'],
] as const;

describeEachTarget('segments', (target) => {
  let world: World;
  let project: Json;
  beforeAll(async () => {
    world = await World.connect(target);
    project = await world.project();
  });

  it('stores nested rules with every condition operator and returns them as sent', async () => {
    const rules = [
      {
        type: 'ALL',
        conditions: [],
        rules: [
          {
            type: 'ANY',
            rules: [],
            conditions: OPERATORS.slice(0, 7).map(([operator, property, value]) => ({
              operator,
              property,
              value,
            })),
          },
          {
            type: 'NONE',
            rules: [],
            conditions: OPERATORS.slice(7).map(([operator, property, value]) => ({
              operator,
              property,
              value,
            })),
          },
        ],
      },
    ];
    const segment = await world.segment(project.id, { rules, description: 'all operators' });
    expect(segment).toMatchObject({ project: project.id, feature: null, description: 'all operators' });
    const strip = (r: Json): Json => ({
      type: r.type,
      conditions: r.conditions.map((c: Json) => ({
        operator: c.operator,
        property: c.property,
        value: c.value,
      })),
      rules: r.rules.map(strip),
    });
    expect(segment.rules.map(strip)).toEqual(rules);
    const read = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/${project.id}/segments/${segment.id}/`,
    );
    expect(read.rules.map(strip)).toEqual(rules);
    expect((await world.admin.get(`/api/v1/segments/get-by-uuid/${segment.uuid}/`)).body.id).toBe(segment.id);
  });

  it('replaces rules on update and searches by name', async () => {
    const name = unique('searchable');
    const segment = await world.segment(project.id, { name });
    const updated = await world.admin.expect(
      200,
      'PATCH',
      `/api/v1/projects/${project.id}/segments/${segment.id}/`,
      {
        rules: [{ type: 'ALL', conditions: [{ operator: 'IS_SET', property: 'x' }] }],
      },
    );
    expect(updated.rules).toHaveLength(1);
    expect(updated.rules[0].conditions).toEqual([
      expect.objectContaining({ operator: 'IS_SET', property: 'x', value: null }),
    ]);
    const found = await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/segments/?q=${name}`);
    expect(found.results.map((s: Json) => s.id)).toEqual([segment.id]);
  });

  it('refuses unknown operators and rule types with field errors', async () => {
    const bad = await world.admin.post(`/api/v1/projects/${project.id}/segments/`, {
      name: unique('bad'),
      rules: [{ type: 'ALL', conditions: [{ operator: 'SOUNDS_LIKE', property: 'x', value: 'y' }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.rules).toBeDefined();
  });

  it('enforces the rules depth and conditions-per-segment limits, naming the limit and the usage', async () => {
    const deep = await world.admin.post(`/api/v1/projects/${project.id}/segments/`, {
      name: unique('deep'),
      rules: [
        {
          type: 'ALL',
          rules: [
            { type: 'ANY', rules: [{ type: 'ALL', conditions: [{ operator: 'IS_SET', property: 'x' }] }] },
          ],
        },
      ],
    });
    expect(deep.status).toBe(400);
    expect(deep.body.segment[0]).toMatch(/nested more than \d+ levels deep \(these rules nest 3\)/);
    const many = await world.admin.post(`/api/v1/projects/${project.id}/segments/`, {
      name: unique('many'),
      rules: [
        {
          type: 'ALL',
          conditions: Array.from({ length: 101 }, (_, i) => ({
            operator: 'EQUAL',
            property: `p${i}`,
            value: 'x',
          })),
        },
      ],
    });
    expect(many.status).toBe(400);
    expect(many.body.segment[0]).toMatch(
      /has 101 conditions, which exceeds the maximum condition count of \d+/,
    );
  });

  it('creates feature-specific segments and deletes segments', async () => {
    const feature = await world.feature(project.id);
    const segment = await world.segment(project.id, { feature: feature.id });
    expect(segment.feature).toBe(feature.id);
    const withoutSpecific = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/${project.id}/segments/?include_feature_specific=false&page_size=999`,
    );
    expect(withoutSpecific.results.map((s: Json) => s.id)).not.toContain(segment.id);
    expect((await world.admin.delete(`/api/v1/projects/${project.id}/segments/${segment.id}/`)).status).toBe(
      204,
    );
    expect((await world.admin.get(`/api/v1/projects/${project.id}/segments/${segment.id}/`)).status).toBe(
      404,
    );
  });
});
