import { beforeAll, expect, it } from 'vitest';
import { type User, World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('permissions and isolation', (target) => {
  let world: World;
  let project: Json;
  let env: Json;
  let feature: Json;
  let segment: Json;
  let identity: Json;
  let outsider: User & { organisationId: number };
  beforeAll(async () => {
    world = await World.connect(target);
    project = await world.project();
    env = await world.environment(project.id);
    feature = await world.feature(project.id, { initial_value: 'secret-value' });
    segment = await world.segment(project.id);
    identity = await world.admin.expect(201, 'POST', `/api/v1/environments/${env.api_key}/identities/`, {
      identifier: 'secret-user',
    });
    outsider = await world.outsider();
  });

  it("never shows another organisation's objects to an outsider: 404, never the data", async () => {
    const paths = [
      `/api/v1/organisations/${world.organisationId}/`,
      `/api/v1/projects/${project.id}/`,
      `/api/v1/projects/${project.id}/features/`,
      `/api/v1/projects/${project.id}/features/${feature.id}/`,
      `/api/v1/projects/${project.id}/segments/${segment.id}/`,
      `/api/v1/environments/${env.api_key}/`,
      `/api/v1/environments/${env.api_key}/featurestates/`,
      `/api/v1/environments/${env.api_key}/identities/`,
      `/api/v1/environments/${env.api_key}/identities/${identity.id}/traits/`,
      `/api/v1/features/featurestates/?environment=${env.id}`,
      `/api/v1/features/get-by-uuid/${feature.uuid}/`,
      `/api/v1/projects/${project.id}/audit/`,
    ];
    for (const path of paths) {
      const res = await outsider.api.get(path);
      expect([403, 404], `${path} answered ${res.status}`).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toMatch(/secret-value|secret-user/);
    }
    const writes = await Promise.all([
      outsider.api.post(`/api/v1/projects/${project.id}/features/`, { name: 'intruder' }),
      outsider.api.patch(`/api/v1/environments/${env.api_key}/`, { name: 'mine' }),
      outsider.api.delete(`/api/v1/projects/${project.id}/segments/${segment.id}/`),
      outsider.api.post('/api/v1/environments/', { name: 'x', project: project.id }),
    ]);
    expect(writes.map((r) => r.status).every((s) => s === 403 || s === 404)).toBe(true);
    const projects = await outsider.api.expect(200, 'GET', '/api/v1/projects/');
    expect(projects.map((p: Json) => p.id)).not.toContain(project.id);
  });

  it('a member without grants sees the organisation but not its projects', async () => {
    const member = await world.user();
    expect((await member.api.get(`/api/v1/organisations/${world.organisationId}/`)).status).toBe(200);
    expect((await member.api.get(`/api/v1/projects/${project.id}/`)).status).toBe(404);
    expect(
      (await member.api.post('/api/v1/projects/', { name: 'nope', organisation: world.organisationId }))
        .status,
    ).toBe(403);
  });

  it('VIEW_PROJECT reads features; CREATE_FEATURE is needed to create one (403 without)', async () => {
    const member = await world.user();
    await world.admin.expect(201, 'POST', `/api/v1/projects/${project.id}/user-permissions/`, {
      user: member.id,
      permissions: ['VIEW_PROJECT'],
      admin: false,
    });
    expect((await member.api.get(`/api/v1/projects/${project.id}/features/`)).status).toBe(200);
    const denied = await member.api.post(`/api/v1/projects/${project.id}/features/`, { name: 'not-allowed' });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toEqual(expect.any(String));
    expect((await member.api.get(`/api/v1/environments/${env.api_key}/`)).status).toBe(404);
    const mine = await member.api.expect(200, 'GET', `/api/v1/projects/${project.id}/my-permissions/`);
    expect(mine).toEqual({ permissions: ['VIEW_PROJECT'], admin: false });
  });

  it('environment grants through a group allow exactly their keys', async () => {
    const member = await world.user();
    const group = await world.admin.expect(
      201,
      'POST',
      `/api/v1/organisations/${world.organisationId}/groups/`,
      {
        name: 'flag-flippers',
        users: [member.id],
      },
    );
    expect(group.users.map((u: Json) => u.id)).toEqual([member.id]);
    await world.admin.expect(201, 'POST', `/api/v1/projects/${project.id}/user-group-permissions/`, {
      group: group.id,
      permissions: ['VIEW_PROJECT'],
    });
    await world.admin.expect(201, 'POST', `/api/v1/environments/${env.api_key}/user-group-permissions/`, {
      group: group.id,
      permissions: ['VIEW_ENVIRONMENT', 'UPDATE_FEATURE_STATE'],
    });
    const state = await world.defaultState(env.api_key, feature.id);
    const flip = await member.api.patch(`/api/v1/environments/${env.api_key}/featurestates/${state.id}/`, {
      enabled: true,
    });
    expect(flip.status).toBe(200);
    const override = await member.api.post(
      `/api/v1/environments/${env.api_key}/features/${feature.id}/create-segment-override/`,
      {
        feature_segment: { segment: segment.id },
        enabled: true,
      },
    );
    expect(override.status).toBe(403);
    expect((await member.api.get(`/api/v1/environments/${env.api_key}/identities/`)).status).toBe(403);
    await world.admin.expect(
      200,
      'POST',
      `/api/v1/organisations/${world.organisationId}/groups/${group.id}/remove-users/`,
      {
        user_ids: [member.id],
      },
    );
    expect(
      (
        await member.api.patch(`/api/v1/environments/${env.api_key}/featurestates/${state.id}/`, {
          enabled: false,
        })
      ).status,
    ).toBe(404);
  });

  it('project admins manage their project but not the organisation', async () => {
    const member = await world.user();
    const grant = await world.admin.expect(201, 'POST', `/api/v1/projects/${project.id}/user-permissions/`, {
      user: member.id,
      permissions: [],
      admin: true,
    });
    expect(grant).toMatchObject({ user: member.id, admin: true });
    expect((await member.api.get(`/api/v1/environments/${env.api_key}/identities/`)).status).toBe(200);
    expect(
      (await member.api.patch(`/api/v1/projects/${project.id}/`, { hide_disabled_flags: false })).status,
    ).toBe(200);
    expect(
      (await member.api.get(`/api/v1/organisations/${world.organisationId}/master-api-keys/`)).status,
    ).toBe(403);
    const listed = await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/user-permissions/`);
    expect(listed.find((g: Json) => g.id === grant.id).user.email).toBe(member.email);
    expect(
      (await world.admin.delete(`/api/v1/projects/${project.id}/user-permissions/${grant.id}/`)).status,
    ).toBe(204);
    expect((await member.api.get(`/api/v1/projects/${project.id}/`)).status).toBe(404);
  });

  it('rejects unknown permission keys and non-members', async () => {
    const member = await world.user();
    const bad = await world.admin.post(`/api/v1/projects/${project.id}/user-permissions/`, {
      user: member.id,
      permissions: ['FLY'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.permissions).toBeDefined();
    const stranger = await world.admin.post(`/api/v1/projects/${project.id}/user-permissions/`, {
      user: outsider.id,
      permissions: [],
    });
    expect(stranger.status).toBe(400);
    const keys = await world.admin.expect(200, 'GET', '/api/v1/environments/permissions/');
    expect(keys.map((k: Json) => k.key)).toEqual(
      expect.arrayContaining(['VIEW_ENVIRONMENT', 'MANAGE_SEGMENT_OVERRIDES', 'MANAGE_IDENTITIES']),
    );
  });
});
