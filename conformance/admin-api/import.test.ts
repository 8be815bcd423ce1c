import { environmentDocument } from '@vexil/test-support';
import { beforeAll, expect, it } from 'vitest';
import { World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('import of a Flagsmith environment document (Vexil addition)', (target) => {
  let world: World;
  beforeAll(async () => {
    world = await World.connect(target);
  });

  it('loads features, options, segments and overrides, and re-importing changes nothing', async () => {
    const project = await world.project();
    const env = await world.environment(project.id);
    const other = await world.environment(project.id);
    const doc = environmentDocument({ features: 12, segments: 4, identities: 5 });
    const url = `/api/v1/environments/${env.api_key}/import-document/`;
    const result = await world.admin.expect(200, 'POST', url, doc);
    expect(result).toMatchObject({
      environment: env.api_key,
      features_created: 12,
      segments_created: 4,
      multivariate_options_created: 6,
      identity_overrides: 5,
      identities_created: 5,
    });
    const overrides = doc.project.segments.reduce((n: number, s: Json) => n + s.feature_states.length, 0);
    expect(result.segment_overrides).toBe(overrides);

    const features = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/${project.id}/features/?environment=${env.id}&page_size=100&sort_field=name`,
    );
    expect(features.count).toBe(12);
    const f0 = features.results.find((f: Json) => f.name === 'imported_0');
    expect(f0.type).toBe('MULTIVARIATE');
    expect(f0.environment_feature_state.feature_state_value).toBe(doc.feature_states[0].feature_state_value);
    expect(
      f0.environment_feature_state.multivariate_feature_state_values
        .map((v: Json) => v.percentage_allocation)
        .sort(),
    ).toEqual([20, 30]);
    const f1 = features.results.find((f: Json) => f.name === 'imported_1');
    expect(f1.environment_feature_state.feature_state_value).toBe(1);
    // New features exist in the project's other environments too.
    expect(await world.defaultState(other.api_key, f1.id)).toBeDefined();

    // Priorities: explicit ones first in document order, missing ones last.
    const slots = await world.admin.expect(
      200,
      'GET',
      `/api/v1/features/feature-segments/?environment=${env.id}&feature=${f0.id}`,
    );
    expect(slots.results.map((s: Json) => s.priority)).toEqual(slots.results.map((_: Json, i: number) => i));
    expect(
      (await world.admin.expect(200, 'GET', `/api/v1/environments/${env.api_key}/`)).allow_client_traits,
    ).toBe(false);

    const again = await world.admin.expect(200, 'POST', url, doc);
    expect(again).toMatchObject({
      features_created: 0,
      features_updated: 12,
      segments_created: 0,
      segments_updated: 4,
      segment_overrides: overrides,
    });
    const limits = await world.admin.expect(200, 'GET', `/api/v1/environments/${env.api_key}/limits/`);
    expect(limits.find((l: Json) => l.name === 'max_segment_overrides_allowed').usage).toBe(overrides);
    const audit = await world.admin.expect(
      200,
      'GET',
      `/api/v1/environments/${env.api_key}/audit/?search=imported`,
    );
    expect(audit.results[0].related_object_type).toBe('IMPORT_REQUEST');
  });

  it('refuses a malformed document with field errors and writes nothing', async () => {
    const project = await world.project();
    const env = await world.environment(project.id);
    const bad = await world.admin.post(`/api/v1/environments/${env.api_key}/import-document/`, {
      feature_states: [{ enabled: true }],
    });
    expect(bad.status).toBe(400);
    const badOperator = environmentDocument({ features: 2, segments: 1, identities: 0 });
    badOperator.project.segments[0].rules[0].rules[0].conditions[0].operator = 'SOUNDS_LIKE';
    const refused = await world.admin.post(
      `/api/v1/environments/${env.api_key}/import-document/`,
      badOperator,
    );
    expect(refused.status).toBe(400);
    expect((await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/features/`)).count).toBe(0);
  });
});
