import { beforeAll, expect, it } from 'vitest';
import { unique, World } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { describeEachTarget } from '../support/targets.ts';

describeEachTarget('identities, traits and identity overrides', (target) => {
  let world: World;
  let project: Json;
  let env: Json;
  beforeAll(async () => {
    world = await World.connect(target);
    project = await world.project();
    env = await world.environment(project.id);
  });
  const base = () => `/api/v1/environments/${env.api_key}/identities/`;

  it('creates, searches and deletes identities (unique per environment)', async () => {
    const identifier = unique('user');
    const identity = await world.admin.expect(201, 'POST', base(), { identifier });
    expect(identity).toMatchObject({ identifier, environment: env.id, identity_uuid: expect.any(String) });
    const dup = await world.admin.post(base(), { identifier });
    expect(dup.status).toBe(400);
    expect(dup.body.identifier).toBeDefined();
    const found = await world.admin.expect(200, 'GET', `${base()}?q=${identifier.slice(5)}`);
    expect(found.results.map((i: Json) => i.id)).toEqual([identity.id]);
    expect((await world.admin.get(`${base()}${identity.id}/`)).body.identifier).toBe(identifier);
    expect((await world.admin.delete(`${base()}${identity.id}/`)).status).toBe(204);
    expect((await world.admin.get(`${base()}${identity.id}/`)).status).toBe(404);
  });

  it('keeps trait types, lists trait keys and deletes a key everywhere', async () => {
    const identity = await world.admin.expect(201, 'POST', base(), { identifier: unique('user') });
    const traits = `${base()}${identity.id}/traits/`;
    const key = unique('plan');
    for (const [k, v] of [
      [key, 'beta'],
      ['age', 42],
      ['score', 1.5],
      ['vip', true],
    ] as const) {
      const t = await world.admin.expect(201, 'POST', traits, { trait_key: k, trait_value: v });
      expect(t.trait_value).toStrictEqual(v);
    }
    const list = await world.admin.expect(200, 'GET', traits);
    expect(list.map((t: Json) => t.value_type).sort()).toEqual(['bool', 'float', 'int', 'unicode']);
    const tooLong = await world.admin.post(traits, { trait_key: 'big', trait_value: 'x'.repeat(2001) });
    expect(tooLong.status).toBe(400);
    expect(
      (await world.admin.expect(200, 'GET', `/api/v1/environments/${env.api_key}/trait-keys/`)).keys,
    ).toContain(key);
    await world.admin.expect(200, 'POST', `/api/v1/environments/${env.api_key}/delete-traits/`, { key });
    expect((await world.admin.expect(200, 'GET', traits)).map((t: Json) => t.trait_key)).not.toContain(key);
  });

  it('overrides features per identity, shows all flags for the identity, and clones overrides', async () => {
    const feature = await world.feature(project.id, { initial_value: 'default', default_enabled: false });
    const other = await world.feature(project.id, { initial_value: 'other' });
    const alice = await world.admin.expect(201, 'POST', base(), { identifier: unique('alice') });
    const bob = await world.admin.expect(201, 'POST', base(), { identifier: unique('bob') });
    const url = `${base()}${alice.id}/featurestates/`;
    const override = await world.admin.expect(201, 'POST', url, {
      feature: feature.id,
      enabled: true,
      feature_state_value: 'for-alice',
    });
    expect(override).toMatchObject({
      identity: alice.id,
      feature: feature.id,
      enabled: true,
      feature_state_value: 'for-alice',
    });
    expect((await world.admin.post(url, { feature: feature.id, enabled: true })).status).toBe(400);

    const all = await world.admin.expect(200, 'GET', `${url}all/`);
    const byName = new Map(all.map((f: Json) => [f.feature.name, f]));
    expect(byName.get(feature.name)).toMatchObject({
      enabled: true,
      feature_state_value: 'for-alice',
      overridden_by: 'IDENTITY',
    });
    expect(byName.get(other.name)).toMatchObject({ feature_state_value: 'other', overridden_by: null });

    const changed = await world.admin.expect(200, 'PATCH', `${url}${override.id}/`, {
      feature_state_value: 5,
    });
    expect(changed.feature_state_value).toBe(5);
    const cloned = await world.admin.expect(
      200,
      'POST',
      `${base()}${bob.id}/featurestates/clone-from-given-identity/`,
      {
        source_identity_id: alice.id,
      },
    );
    expect(cloned).toEqual([
      expect.objectContaining({ identity: bob.id, feature: feature.id, feature_state_value: 5 }),
    ]);
    expect((await world.admin.delete(`${url}${override.id}/`)).status).toBe(204);
    expect(await world.admin.expect(200, 'GET', url)).toEqual([]);
  });
});
