import { beforeAll, expect, it } from 'vitest';
import { unique, World } from '../support/fixtures.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('auth: users, tokens, master API keys', (target) => {
  let world: World;
  beforeAll(async () => {
    world = await World.connect(target);
  });

  it('refuses requests without credentials or with a bad key, with 401 and a detail', async () => {
    const anon = world.anonymous();
    const none = await anon.get('/api/v1/projects/');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: expect.any(String) });
    const bad = await anon.as('Api-Key nope.nope').get('/api/v1/projects/');
    expect(bad.status).toBe(401);
    expect(bad.body.detail).toBe('Valid Master API Key not found.');
    expect(
      (await anon.as('Token 0123456789012345678901234567890123456789').get('/api/v1/projects/')).status,
    ).toBe(401);
  });

  it('signs up an invited user, who gets a token that works until logout', async () => {
    const user = await world.user();
    const me = await user.api.expect(200, 'GET', '/api/v1/auth/users/me/');
    expect(me).toMatchObject({
      id: user.id,
      email: user.email,
      first_name: 'Test',
      last_name: 'User',
      is_active: true,
    });
    const orgs = await user.api.expect(200, 'GET', '/api/v1/organisations/');
    expect(orgs.results.map((o: { id: number }) => o.id)).toContain(world.organisationId);
    expect(orgs.results.find((o: { id: number }) => o.id === world.organisationId).role).toBe('USER');

    expect((await user.api.post('/api/v1/auth/logout/')).status).toBe(204);
    expect((await user.api.get('/api/v1/auth/users/me/')).status).toBe(401);
  });

  it('lets a signed-in user join another organisation with an invite link, and refuses a bogus hash', async () => {
    const outsider = await world.outsider();
    const link = await world.admin.expect(
      201,
      'POST',
      `/api/v1/organisations/${world.organisationId}/invite-links/`,
      {
        role: 'USER',
      },
    );
    const joined = await outsider.api.expect(200, 'POST', `/api/v1/users/join/link/${link.hash}/`);
    expect(joined).toMatchObject({ id: world.organisationId, role: 'USER' });
    expect((await outsider.api.post('/api/v1/users/join/link/not-a-real-hash/')).status).toBe(400);
    const audit = await world.admin.expect(
      200,
      'GET',
      `/api/v1/organisations/${world.organisationId}/audit/?search=joined`,
    );
    expect(audit.results[0].related_object_id).toBe(outsider.id);
  });

  it('refuses sign-up without an invite once users exist, and a second account per email', async () => {
    const user = await world.user();
    const anon = world.anonymous();
    const res = await anon.post('/api/v1/auth/users/', {
      email: `${unique('x')}@example.com`,
      password: 'long-enough-pw',
    });
    expect(res.status).toBe(403);
    const link = await world.admin.expect(
      201,
      'POST',
      `/api/v1/organisations/${world.organisationId}/invite-links/`,
      {},
    );
    const again = await anon.post('/api/v1/auth/users/', {
      email: user.email.toUpperCase(),
      password: 'long-enough-pw',
      invite_hash: link.hash,
    });
    expect(again.status).toBe(400);
    expect(again.body.email).toEqual([expect.any(String)]);
  });

  it('validates passwords with field errors', async () => {
    const link = await world.admin.expect(
      201,
      'POST',
      `/api/v1/organisations/${world.organisationId}/invite-links/`,
      {},
    );
    const res = await world.anonymous().post('/api/v1/auth/users/', {
      email: `${unique('x')}@example.com`,
      password: '1234',
      invite_hash: link.hash,
    });
    expect(res.status).toBe(400);
    expect(res.body.password.length).toBeGreaterThan(0);
  });

  it('logs in with email (any case) and password, and refuses a wrong password with non_field_errors', async () => {
    const user = await world.user();
    const anon = world.anonymous();
    const ok = await anon.post('/api/v1/auth/login/', {
      email: user.email.toUpperCase(),
      password: user.password,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.key).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await anon.as(`Token ${ok.body.key}`).get('/api/v1/auth/users/me/')).status).toBe(200);
    const wrong = await anon.post('/api/v1/auth/login/', { email: user.email, password: 'wrong-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
  });

  it('rate-limits logins per email with 429 and Retry-After', async () => {
    const email = `${unique('victim')}@example.com`;
    const anon = world.anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await anon.post('/api/v1/auth/login/', { email, password: `guess-${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    const limited = await anon.post('/api/v1/auth/login/', { email, password: 'guess' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('changes a password with the current one', async () => {
    const user = await world.user();
    const bad = await user.api.post('/api/v1/auth/users/set_password/', {
      current_password: 'nope',
      new_password: 'another-long-pw',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.current_password).toBeDefined();
    expect(
      (
        await user.api.post('/api/v1/auth/users/set_password/', {
          current_password: user.password,
          new_password: 'another-long-pw',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await world
          .anonymous()
          .post('/api/v1/auth/login/', { email: user.email, password: 'another-long-pw' })
      ).status,
    ).toBe(200);
  });

  it('creates master API keys that work at once, shows the key only once, and revokes them', async () => {
    const base = `/api/v1/organisations/${world.organisationId}/master-api-keys/`;
    const created = await world.admin.expect(201, 'POST', base, { name: unique('key') });
    expect(created.key.startsWith(`${created.prefix}.`)).toBe(true);
    expect(created).toMatchObject({ revoked: false, is_admin: true, has_expired: false });
    const keyApi = world.admin.as(`Api-Key ${created.key}`);
    expect((await keyApi.get('/api/v1/projects/')).status).toBe(200);

    const listed = await world.admin.expect(200, 'GET', `${base}?page_size=999`);
    const row = listed.results.find((k: { prefix: string }) => k.prefix === created.prefix);
    expect(row).toBeDefined();
    expect(row.key).toBeUndefined();

    expect((await world.admin.delete(`${base}${created.prefix}/`)).status).toBe(204);
    expect((await keyApi.get('/api/v1/projects/')).status).toBe(401);
    expect((await world.admin.get(`${base}${created.prefix}/`)).body.revoked).toBe(true);
  });

  it('gives a non-admin master key no project access', async () => {
    const base = `/api/v1/organisations/${world.organisationId}/master-api-keys/`;
    const project = await world.project();
    const created = await world.admin.expect(201, 'POST', base, { name: unique('key'), is_admin: false });
    const keyApi = world.admin.as(`Api-Key ${created.key}`);
    expect((await keyApi.get(`/api/v1/projects/${project.id}/`)).status).toBe(404);
    expect((await keyApi.get(base)).status).toBe(403);
  });
});
