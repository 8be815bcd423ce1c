import { beforeAll, expect, it } from 'vitest';
import { World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('audit log', (target) => {
  let world: World;
  beforeAll(async () => {
    world = await World.connect(target);
  });

  it('records who changed what, with before and after, in project, environment and organisation scopes', async () => {
    const project = await world.project();
    const env = await world.environment(project.id);
    const feature = await world.feature(project.id, { initial_value: 'old' });
    const state = await world.defaultState(env.api_key, feature.id);
    await world.admin.expect(200, 'PATCH', `/api/v1/environments/${env.api_key}/featurestates/${state.id}/`, {
      feature_state_value: 'new',
    });

    const page = await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/audit/`);
    const logs = page.results.map((r: Json) => r.log);
    expect(logs).toContain(`New Flag / Remote Config created: ${feature.name}`);
    expect(logs).toContain(`Flag state / Remote Config value updated for feature: ${feature.name}`);
    const entry = page.results.find((r: Json) => r.related_object_type === 'FEATURE_STATE');
    expect(entry).toMatchObject({
      environment: { id: env.id, api_key: env.api_key },
      project: { id: project.id },
      related_object_id: state.id,
      author: null,
      master_api_key: { prefix: expect.any(String) },
    });
    const detail = await world.admin.expect(200, 'GET', `/api/v1/audit/${entry.id}/`);
    expect(detail.before.feature_state_value).toBe('old');
    expect(detail.after.feature_state_value).toBe('new');
    expect(detail.change_type).toBe('UPDATE');
    expect(detail.change_details).toContainEqual({ field: 'feature_state_value', old: 'old', new: 'new' });

    const byEnv = await world.admin.expect(200, 'GET', `/api/v1/environments/${env.api_key}/audit/`);
    expect(byEnv.results.every((r: Json) => r.environment?.id === env.id)).toBe(true);
    const org = await world.admin.expect(
      200,
      'GET',
      `/api/v1/organisations/${world.organisationId}/audit/?search=${feature.name}`,
    );
    expect(org.count).toBeGreaterThanOrEqual(2);
    const general = await world.admin.expect(200, 'GET', `/api/v1/audit/?project=${project.id}&page_size=1`);
    expect(general.results).toHaveLength(1);
    expect(general.next).toContain('page=2');
  });

  it('signs user changes with the user, and needs VIEW_AUDIT_LOG to read', async () => {
    const project = await world.project();
    const member = await world.user();
    await world.admin.expect(201, 'POST', `/api/v1/projects/${project.id}/user-permissions/`, {
      user: member.id,
      permissions: ['VIEW_PROJECT', 'CREATE_FEATURE'],
    });
    await member.api.expect(201, 'POST', `/api/v1/projects/${project.id}/features/`, { name: 'by-a-user' });
    expect((await member.api.get(`/api/v1/projects/${project.id}/audit/`)).status).toBe(403);
    const page = await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/audit/`);
    expect(page.results.find((r: Json) => r.log.endsWith('by-a-user')).author).toMatchObject({
      id: member.id,
      email: member.email,
    });
  });
});
