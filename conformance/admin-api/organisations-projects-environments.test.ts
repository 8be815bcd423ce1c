import { beforeAll, expect, it } from 'vitest';
import { unique, World } from '../support/fixtures.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('organisations, projects, environments', (target) => {
  let world: World;
  beforeAll(async () => {
    world = await World.connect(target);
  });

  it('lists the organisation in the DRF page shape', async () => {
    const page = await world.admin.expect(200, 'GET', '/api/v1/organisations/');
    expect(page).toMatchObject({ count: expect.any(Number), next: null, previous: null });
    expect(page.results[0]).toMatchObject({
      id: world.organisationId,
      role: 'ADMIN',
      persist_trait_data: expect.any(Boolean),
    });
  });

  it('creates, reads, changes and deletes a project, with Flagsmith fields and limits', async () => {
    const project = await world.project({ hide_disabled_flags: true });
    expect(project).toMatchObject({
      organisation: world.organisationId,
      hide_disabled_flags: true,
      enable_dynamo_db: false,
      max_features_allowed: expect.any(Number),
      max_segments_allowed: expect.any(Number),
      max_segment_overrides_allowed: expect.any(Number),
      total_features: 0,
    });
    expect((await world.admin.get(`/api/v1/projects/get-by-uuid/${project.uuid}/`)).body.id).toBe(project.id);
    const list = await world.admin.expect(
      200,
      'GET',
      `/api/v1/projects/?organisation=${world.organisationId}`,
    );
    expect(Array.isArray(list)).toBe(true);
    expect(list.map((p: { id: number }) => p.id)).toContain(project.id);
    const changed = await world.admin.expect(200, 'PATCH', `/api/v1/projects/${project.id}/`, {
      name: unique('renamed'),
    });
    expect(changed.name).toMatch(/^renamed-/);
    expect((await world.admin.delete(`/api/v1/projects/${project.id}/`)).status).toBe(204);
    expect((await world.admin.get(`/api/v1/projects/${project.id}/`)).status).toBe(404);
  });

  it('answers validation errors as {"field": ["message"]}', async () => {
    const missing = await world.admin.post('/api/v1/projects/', { organisation: world.organisationId });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ name: ['This field is required.'] });
    const project = await world.project();
    const dup = await world.admin.post('/api/v1/projects/', {
      name: project.name,
      organisation: world.organisationId,
    });
    expect(dup.status).toBe(400);
    expect(dup.body.name).toEqual([expect.any(String)]);
  });

  it('creates environments with 22-character client keys, looks them up by key, clones them', async () => {
    const project = await world.project();
    const env = await world.environment(project.id, { description: 'd', allow_client_traits: false });
    expect(env.api_key).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(env).toMatchObject({
      project: project.id,
      description: 'd',
      allow_client_traits: false,
      hide_disabled_flags: null,
      use_identity_composite_key_for_hashing: true,
      use_v2_feature_versioning: false,
    });
    expect((await world.admin.get(`/api/v1/environments/${env.api_key}/`)).body.id).toBe(env.id);
    expect((await world.admin.get(`/api/v1/environments/get-by-uuid/${env.uuid}/`)).body.api_key).toBe(
      env.api_key,
    );
    const page = await world.admin.expect(200, 'GET', `/api/v1/environments/?project=${project.id}`);
    expect(page.results.map((e: { id: number }) => e.id)).toEqual([env.id]);

    const changed = await world.admin.expect(200, 'PATCH', `/api/v1/environments/${env.api_key}/`, {
      hide_disabled_flags: true,
    });
    expect(changed.hide_disabled_flags).toBe(true);

    const feature = await world.feature(project.id, { initial_value: 'v' });
    const state = await world.defaultState(env.api_key, feature.id);
    await world.admin.expect(200, 'PATCH', `/api/v1/environments/${env.api_key}/featurestates/${state.id}/`, {
      feature_state_value: 'changed',
    });
    const clone = await world.admin.expect(200, 'POST', `/api/v1/environments/${env.api_key}/clone/`, {
      name: unique('clone'),
    });
    expect(clone.api_key).not.toBe(env.api_key);
    expect(clone.hide_disabled_flags).toBe(true);
    expect((await world.defaultState(clone.api_key, feature.id)).feature_state_value).toBe('changed');

    expect((await world.admin.delete(`/api/v1/environments/${env.api_key}/`)).status).toBe(204);
    expect((await world.admin.get(`/api/v1/environments/${env.api_key}/`)).status).toBe(404);
  });

  it('manages server-side keys prefixed ser.', async () => {
    const project = await world.project();
    const env = await world.environment(project.id);
    const base = `/api/v1/environments/${env.api_key}/api-keys/`;
    const key = await world.admin.expect(201, 'POST', base, { name: 'backend' });
    expect(key.key).toMatch(/^ser\.[A-Za-z0-9]{22}$/);
    expect(key).toMatchObject({ name: 'backend', active: true, expires_at: null });
    expect((await world.admin.expect(200, 'GET', base)).map((k: { id: number }) => k.id)).toEqual([key.id]);
    expect((await world.admin.expect(200, 'PATCH', `${base}${key.id}/`, { active: false })).active).toBe(
      false,
    );
    expect((await world.admin.delete(`${base}${key.id}/`)).status).toBe(204);
    expect(await world.admin.expect(200, 'GET', base)).toEqual([]);
  });

  it('shows limits and their usage for projects and environments', async () => {
    const project = await world.project();
    const env = await world.environment(project.id);
    await world.feature(project.id);
    const projectLimits = await world.admin.expect(200, 'GET', `/api/v1/projects/${project.id}/limits/`);
    expect(projectLimits).toContainEqual({
      name: 'max_features_allowed',
      limit: expect.any(Number),
      usage: 1,
    });
    const envLimits = await world.admin.expect(200, 'GET', `/api/v1/environments/${env.api_key}/limits/`);
    expect(envLimits.map((l: { name: string }) => l.name)).toEqual([
      'max_segment_overrides_allowed',
      'max_identity_overrides_allowed',
      'max_environment_document_bytes',
    ]);
  });

  it('lists members and changes their role; never removes the last admin', async () => {
    const user = await world.user();
    const members = await world.admin.expect(
      200,
      'GET',
      `/api/v1/organisations/${world.organisationId}/users/`,
    );
    expect(members.find((m: { id: number }) => m.id === user.id)).toMatchObject({
      email: user.email,
      role: 'USER',
    });
    const promoted = await world.admin.expect(
      200,
      'POST',
      `/api/v1/organisations/${world.organisationId}/users/${user.id}/update-role/`,
      { role: 'ADMIN' },
    );
    expect(promoted.role).toBe('ADMIN');
    expect(
      (
        await world.admin.post(`/api/v1/organisations/${world.organisationId}/remove-users/`, [
          { id: user.id },
        ])
      ).status,
    ).toBe(200);
    expect((await user.api.get(`/api/v1/organisations/${world.organisationId}/`)).status).toBe(404);
    const founder = await world.user();
    const own = await founder.api.expect(201, 'POST', '/api/v1/organisations/', { name: unique('org') });
    const demote = await founder.api.post(
      `/api/v1/organisations/${own.id}/users/${founder.id}/update-role/`,
      { role: 'USER' },
    );
    expect(demote.status).toBe(400);
    expect(demote.body.role).toEqual([expect.any(String)]);
  });

  it('serves OpenAPI 3.1 generated from the routes, and Swagger UI', async () => {
    const spec = await world.anonymous().expect(200, 'GET', '/api/v1/openapi.json');
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/projects/{projectId}/features/', '/api/v1/auth/login/']),
    );
    const docs = await fetch(`${target.baseUrl}/api/v1/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});
