import { beforeAll, expect, it } from 'vitest';
import { World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('segment overrides', (target) => {
  let world: World;
  let project: Json;
  let env: Json;
  beforeAll(async () => {
    world = await World.connect(target);
    project = await world.project();
    env = await world.environment(project.id);
  });

  const priorities = async (featureId: number) =>
    (
      await world.admin.expect(
        200,
        'GET',
        `/api/v1/features/feature-segments/?environment=${env.id}&feature=${featureId}`,
      )
    ).results.map((f: Json) => [f.segment, f.priority]);

  it('creates an override with its value in one call, appended after existing ones', async () => {
    const feature = await world.feature(project.id, { initial_value: 'default' });
    const [a, b] = [await world.segment(project.id), await world.segment(project.id)];
    const url = `/api/v1/environments/${env.api_key}/features/${feature.id}/create-segment-override/`;
    const first = await world.admin.expect(201, 'POST', url, {
      feature_segment: { segment: a.id },
      enabled: true,
      feature_state_value: 'for-a',
    });
    expect(first).toMatchObject({
      feature: feature.id,
      environment: env.id,
      enabled: true,
      feature_state_value: 'for-a',
      feature_segment: { segment: a.id, priority: 0 },
    });
    await world.admin.expect(201, 'POST', url, {
      feature_segment: { segment: b.id },
      enabled: false,
      feature_state_value: 3,
    });
    expect(await priorities(feature.id)).toEqual([
      [a.id, 0],
      [b.id, 1],
    ]);
    const dup = await world.admin.post(url, { feature_segment: { segment: a.id }, enabled: true });
    expect(dup.status).toBe(400);
    const list = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/${project.id}/features/?environment=${env.id}&search=${feature.name}`,
    );
    expect(list.results[0].num_segment_overrides).toBe(2);
  });

  it('follows the Terraform flow: feature segment, then its feature state through features/featurestates/', async () => {
    const feature = await world.feature(project.id);
    const segment = await world.segment(project.id);
    const fs = await world.admin.expect(201, 'POST', '/api/v1/features/feature-segments/', {
      feature: feature.id,
      segment: segment.id,
      environment: env.id,
    });
    expect(fs).toMatchObject({
      feature: feature.id,
      segment: segment.id,
      environment: env.id,
      priority: 0,
      segment_name: segment.name,
    });
    const state = await world.admin.expect(201, 'POST', '/api/v1/features/featurestates/', {
      feature: feature.id,
      environment: env.id,
      feature_segment: fs.id,
      enabled: true,
      feature_state_value: { type: 'unicode', string_value: 'seg' },
    });
    expect(state).toMatchObject({
      feature_segment: fs.id,
      enabled: true,
      feature_state_value: { type: 'unicode', string_value: 'seg' },
    });
    const again = await world.admin.expect(200, 'PUT', `/api/v1/features/featurestates/${state.id}/`, {
      enabled: false,
      feature_state_value: { type: 'bool', boolean_value: true },
    });
    expect(again).toMatchObject({
      enabled: false,
      feature_state_value: { type: 'bool', boolean_value: true },
    });
    expect((await world.admin.get(`/api/v1/features/feature-segments/${fs.id}/`)).body.id).toBe(fs.id);
  });

  it('moves priorities (0 strongest) and keeps them dense after a delete', async () => {
    const feature = await world.feature(project.id);
    const segs = [
      await world.segment(project.id),
      await world.segment(project.id),
      await world.segment(project.id),
    ];
    const fss: Json[] = [];
    for (const s of segs) {
      fss.push(
        await world.admin.expect(201, 'POST', '/api/v1/features/feature-segments/', {
          feature: feature.id,
          segment: s.id,
          environment: env.id,
        }),
      );
    }
    const moved = await world.admin.expect(
      200,
      'POST',
      '/api/v1/features/feature-segments/update-priorities/',
      [{ id: fss[2].id, priority: 0 }],
    );
    expect(moved).toEqual([expect.objectContaining({ id: fss[2].id, priority: 0 })]);
    expect(await priorities(feature.id)).toEqual([
      [segs[2].id, 0],
      [segs[0].id, 1],
      [segs[1].id, 2],
    ]);
    await world.admin.expect(200, 'PATCH', `/api/v1/features/feature-segments/${fss[1].id}/`, {
      priority: 0,
    });
    expect((await priorities(feature.id)).map((p: number[]) => p[0])).toEqual([
      segs[1].id,
      segs[2].id,
      segs[0].id,
    ]);
    expect((await world.admin.delete(`/api/v1/features/feature-segments/${fss[2].id}/`)).status).toBe(204);
    expect(await priorities(feature.id)).toEqual([
      [segs[1].id, 0],
      [segs[0].id, 1],
    ]);
  });

  it('deleting an override state through features/featurestates/ removes its feature segment', async () => {
    const feature = await world.feature(project.id);
    const segment = await world.segment(project.id);
    const created = await world.admin.expect(
      201,
      'POST',
      `/api/v1/environments/${env.api_key}/features/${feature.id}/create-segment-override/`,
      {
        feature_segment: { segment: segment.id },
        enabled: true,
      },
    );
    expect((await world.admin.delete(`/api/v1/features/featurestates/${created.id}/`)).status).toBe(204);
    expect(await priorities(feature.id)).toEqual([]);
    const state = await world.defaultState(env.api_key, feature.id);
    const refuse = await world.admin.delete(`/api/v1/features/featurestates/${state.id}/`);
    expect(refuse.status).toBe(400);
  });

  it('refuses a segment of another project', async () => {
    const feature = await world.feature(project.id);
    const otherProject = await world.project();
    const foreign = await world.segment(otherProject.id);
    const res = await world.admin.post('/api/v1/features/feature-segments/', {
      feature: feature.id,
      segment: foreign.id,
      environment: env.id,
    });
    expect(res.status).toBe(400);
    expect(res.body.segment).toBeDefined();
  });
});
