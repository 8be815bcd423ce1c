import { beforeAll, expect, it } from 'vitest';
import { unique, World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('features and feature states', (target) => {
  let world: World;
  let project: Json;
  let env: Json;
  beforeAll(async () => {
    world = await World.connect(target);
    project = await world.project();
    env = await world.environment(project.id);
  });

  it('creates a feature with a default state in every environment, typed from initial_value', async () => {
    const other = await world.environment(project.id);
    const feature = await world.feature(project.id, {
      initial_value: '42',
      default_enabled: true,
      description: 'd',
    });
    expect(feature).toMatchObject({
      type: 'STANDARD',
      initial_value: '42',
      default_enabled: true,
      project: project.id,
      tags: [],
    });
    for (const e of [env, other]) {
      const state = await world.defaultState(e.api_key, feature.id);
      expect(state).toMatchObject({
        feature: feature.id,
        enabled: true,
        feature_state_value: 42,
        identity: null,
        feature_segment: null,
      });
    }
    const boolFeature = await world.feature(project.id, { initial_value: 'True' });
    expect((await world.defaultState(env.api_key, boolFeature.id)).feature_state_value).toBe(true);
  });

  it('refuses duplicate names case-insensitively', async () => {
    const feature = await world.feature(project.id);
    const res = await world.admin.post(`/api/v1/projects/${project.id}/features/`, {
      name: feature.name.toUpperCase(),
    });
    expect(res.status).toBe(400);
    expect(res.body.name[0]).toContain('already exists');
  });

  it('evaluation-data needs an environment of the project, and is empty before any SDK reported counts', async () => {
    const feature = await world.feature(project.id);
    const url = `/api/v1/projects/${project.id}/features/${feature.id}/evaluation-data/`;
    expect(await world.admin.expect(200, 'GET', `${url}?environment_id=${env.id}&period=7`)).toEqual([]);
    const missing = await world.admin.get(url);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('environment_id');
    const elsewhere = await world.environment((await world.project()).id);
    const foreign = await world.admin.get(`${url}?environment_id=${elsewhere.id}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({ environment_id: ['No environment with this id in the project.'] });
    expect((await world.admin.get(`${url}?environment_id=${env.id}&period=0`)).status).toBe(400);
  });

  it('keeps typed values: int, bool, string, null; floats become strings', async () => {
    const feature = await world.feature(project.id);
    const state = await world.defaultState(env.api_key, feature.id);
    const url = `/api/v1/environments/${env.api_key}/featurestates/${state.id}/`;
    for (const [sent, stored] of [
      [7, 7],
      [false, false],
      ['text', 'text'],
      [null, null],
      [1.5, '1.5'],
      [2 ** 40, String(2 ** 40)],
    ] as const) {
      const res = await world.admin.expect(200, 'PATCH', url, { feature_state_value: sent });
      expect(res.feature_state_value).toStrictEqual(stored);
    }
    const enabled = await world.admin.expect(200, 'PATCH', url, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, feature_state_value: String(2 ** 40) });
  });

  it('updates through features/featurestates/ with the nested value object, as the Terraform provider does', async () => {
    const feature = await world.feature(project.id);
    const state = await world.defaultState(env.api_key, feature.id);
    const res = await world.admin.expect(200, 'PUT', `/api/v1/features/featurestates/${state.id}/`, {
      id: state.id,
      enabled: true,
      feature: feature.id,
      environment: env.id,
      feature_state_value: { type: 'int', integer_value: 12, string_value: null, boolean_value: null },
    });
    expect(res.feature_state_value).toEqual({
      type: 'int',
      integer_value: 12,
      string_value: null,
      boolean_value: null,
    });
    expect((await world.defaultState(env.api_key, feature.id)).feature_state_value).toBe(12);
    expect((await world.admin.get(`/api/v1/features/featurestates/get-by-uuid/${state.uuid}/`)).body.id).toBe(
      state.id,
    );
    const byName = await world.admin.expect(
      200,
      'GET',
      `/api/v1/environments/${env.api_key}/featurestates/?feature_name=${feature.name}`,
    );
    expect(byName.results).toHaveLength(1);
  });

  it('lists features with their state in an environment, paginated, searchable and sortable', async () => {
    const p = await world.project();
    const e = await world.environment(p.id);
    const names = ['alpha', 'beta', 'gamma'].map((n) => `${n}-${unique('x')}`);
    for (const name of names) await world.feature(p.id, { name, initial_value: name });
    const page1 = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/${p.id}/features/?environment=${e.id}&page_size=2&sort_field=name`,
    );
    expect(page1.count).toBe(3);
    expect(page1.next).toContain('page=2');
    expect(page1.results.map((f: { name: string }) => f.name)).toEqual(names.slice(0, 2));
    expect(page1.results[0].environment_feature_state).toMatchObject({
      environment: e.id,
      feature_state_value: names[0],
    });
    expect(page1.results[0].num_segment_overrides).toBe(0);
    const page2 = await world.admin.expect(200, 'GET', page1.next.replace(target.baseUrl, ''));
    expect(page2.results.map((f: { name: string }) => f.name)).toEqual([names[2]]);
    const search = await world.admin.expect(200, 'GET', `/api/v1/projects/${p.id}/features/?search=gamma`);
    expect(search.count).toBe(1);
  });

  it('creates multivariate features, manages options and allocations, refuses more than 100%', async () => {
    const feature = await world.feature(project.id, {
      initial_value: 'control',
      multivariate_options: [{ type: 'unicode', string_value: 'a', default_percentage_allocation: 30 }],
    });
    expect(feature.type).toBe('MULTIVARIATE');
    const base = `/api/v1/projects/${project.id}/features/${feature.id}/mv-options/`;
    const option = await world.admin.expect(201, 'POST', base, {
      type: 'int',
      integer_value: 5,
      default_percentage_allocation: 20,
    });
    expect(option).toMatchObject({ type: 'int', integer_value: 5, feature: feature.id });
    expect((await world.admin.get(`/api/v1/multivariate/options/get-by-uuid/${option.uuid}/`)).body.id).toBe(
      option.id,
    );
    const state = await world.defaultState(env.api_key, feature.id);
    expect(state.multivariate_feature_state_values.map((v: Json) => v.percentage_allocation).sort()).toEqual([
      20, 30,
    ]);
    const tooMuch = await world.admin.post(base, {
      type: 'unicode',
      string_value: 'c',
      default_percentage_allocation: 60,
    });
    expect(tooMuch.status).toBe(400);
    const url = `/api/v1/environments/${env.api_key}/featurestates/${state.id}/`;
    const over = await world.admin.patch(url, {
      multivariate_feature_state_values: state.multivariate_feature_state_values.map((v: Json) => ({
        ...v,
        percentage_allocation: 60,
      })),
    });
    expect(over.status).toBe(400);
    expect(over.body.multivariate_feature_state_values).toBeDefined();
    const ok = await world.admin.expect(200, 'PATCH', url, {
      multivariate_feature_state_values: [
        { multivariate_feature_option: option.id, percentage_allocation: 100 },
      ],
    });
    expect(ok.multivariate_feature_state_values).toEqual([
      expect.objectContaining({ multivariate_feature_option: option.id, percentage_allocation: 100 }),
    ]);
    expect((await world.admin.delete(`${base}${option.id}/`)).status).toBe(204);
  });

  it('changes, archives, tags and deletes features; server-key-only is kept', async () => {
    const tag = await world.admin.expect(201, 'POST', `/api/v1/projects/${project.id}/tags/`, {
      label: unique('tag'),
      color: '#fff',
    });
    const feature = await world.feature(project.id, { tags: [tag.id], is_server_key_only: true });
    expect(feature).toMatchObject({ tags: [tag.id], is_server_key_only: true });
    const updated = await world.admin.expect(
      200,
      'PATCH',
      `/api/v1/projects/${project.id}/features/${feature.id}/`,
      {
        is_archived: true,
        description: 'gone soon',
      },
    );
    expect(updated).toMatchObject({ is_archived: true, description: 'gone soon', tags: [tag.id] });
    const byTag = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/${project.id}/features/?tags=${tag.id}&is_archived=true`,
    );
    expect(byTag.results.map((f: Json) => f.id)).toEqual([feature.id]);
    expect((await world.admin.get(`/api/v1/features/get-by-uuid/${feature.uuid}/`)).body.id).toBe(feature.id);
    const badTag = await world.admin.patch(`/api/v1/projects/${project.id}/features/${feature.id}/`, {
      tags: [999999],
    });
    expect(badTag.status).toBe(400);
    expect((await world.admin.delete(`/api/v1/projects/${project.id}/features/${feature.id}/`)).status).toBe(
      204,
    );
    expect((await world.admin.get(`/api/v1/projects/${project.id}/features/${feature.id}/`)).status).toBe(
      404,
    );
  });

  it('refuses feature creation at the project limit with a message naming limit and usage', async () => {
    // Only when the server's limit is low enough to reach in a test; the message format is checked either way
    // by the server's own tests.
    const limits = await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/limits/`);
    const features = limits.find((l: Json) => l.name === 'max_features_allowed');
    expect(features.limit).toBeGreaterThanOrEqual(3000);
  });
});
