import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ROUTES, type RouteCase, SECRET } from './permission-matrix-routes.ts';

const KEY = 'matrix-bootstrap-key-0123456789';

/**
 * The isolation proof: every admin route in the OpenAPI document (so a new route cannot be forgotten) is called
 * with another organisation's ids by an outsider (admin of their own organisation), by a member of the
 * organisation with no grants, and without credentials. Each must be refused — 401 without credentials, 403 or
 * 404 otherwise — and no response may carry any of the organisation's data. Afterwards nothing has changed.
 */
describeEachBackend('permission matrix over every admin route', (backend) => {
  let server: TestServer;
  let admin: AdminClient;
  let fx: Record<string, string | number>;
  let outsider: AdminClient;
  let member: AdminClient;
  let anonymous: AdminClient;
  let spec: { paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    server = await startTestServer(backend, { VEXIL_BOOTSTRAP_API_KEY: KEY });
    admin = adminClient(server.url, `Api-Key ${KEY}`);
    anonymous = adminClient(server.url, null);
    ({ fx, outsider, member } = await buildFixtures(server.url, admin, anonymous));
    spec = (await anonymous.ok(200, 'GET', '/api/v1/openapi.json')) as typeof spec;
  });
  afterAll(() => server.dispose());

  const operations = () =>
    Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );

  it('has a row for every route of the OpenAPI document, and no stale rows', () => {
    const ops = operations();
    expect(ops.filter((op) => !(op in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((op) => !ops.includes(op))).toEqual([]);
  });

  const call = (client: AdminClient, op: string, row: RouteCase) => {
    const [method, template] = op.split(' ') as [string, string];
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const ref = row.params?.[name] ?? name;
      const value = fx[ref];
      if (value === undefined) throw new Error(`${op}: no fixture for {${name}} (${ref})`);
      return encodeURIComponent(String(value));
    });
    const body = typeof row.body === 'function' ? row.body(fx) : row.body;
    const needsBody = method !== 'GET' && method !== 'DELETE';
    return client.request(
      method,
      `${path}${row.query ? `?${row.query(fx)}` : ''}`,
      needsBody ? (body ?? {}) : undefined,
    );
  };

  it('answers 401 without credentials on every non-public route', async () => {
    const wrong: string[] = [];
    for (const [op, row] of Object.entries(ROUTES)) {
      if (row.skip || row.public) continue;
      const res = await call(anonymous, op, row);
      if (res.status !== 401 || res.text.includes(SECRET)) wrong.push(`${op} -> ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  for (const who of ['outsider', 'member'] as const) {
    it(`refuses the ${who} everywhere with 403/404 and never shows the organisation's data`, async () => {
      const client = who === 'outsider' ? outsider : member;
      const wrong: string[] = [];
      for (const [op, row] of Object.entries(ROUTES)) {
        if (row.skip || row.public) continue;
        const res = await call(client, op, row);
        const allowed = row[who] === 'allow';
        const okStatus = allowed ? res.status < 500 : res.status === 403 || res.status === 404;
        if (!okStatus || res.text.includes(SECRET))
          wrong.push(`${op} -> ${res.status} ${res.text.slice(0, 120)}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('left every object as it was', async () => {
    const project = await admin.ok(200, 'GET', `/api/v1/projects/${fx.projectId}/`);
    expect(project.name).toBe(`${SECRET}-project`);
    const feature = await admin.ok(200, 'GET', `/api/v1/projects/${fx.projectId}/features/${fx.featureId}/`);
    expect(feature.name).toBe(`${SECRET}_flag`);
    const state = await admin.ok(
      200,
      'GET',
      `/api/v1/environments/${fx.apiKey}/featurestates/${fx.stateId}/`,
    );
    expect(state).toMatchObject({ enabled: false, feature_state_value: `${SECRET}-value` });
    expect((await admin.ok(200, 'GET', `/api/v1/projects/${fx.projectId}/segments/`)).count).toBe(2);
    expect((await admin.ok(200, 'GET', `/api/v1/environments/${fx.apiKey}/identities/`)).count).toBe(2);
    expect((await admin.ok(200, 'GET', `/api/v1/environments/${fx.apiKey}/api-keys/`)).length).toBe(1);
    const members = await admin.ok(200, 'GET', `/api/v1/organisations/${fx.organisationId}/users/`);
    expect(members.find((m: { id: number }) => m.id === fx.memberId).role).toBe('USER');
    const keys = await admin.ok(200, 'GET', `/api/v1/organisations/${fx.organisationId}/master-api-keys/`);
    expect(keys.results.every((k: { revoked: boolean }) => !k.revoked)).toBe(true);
  });
});

/** Organisation A (the bootstrap one) with one of everything, a member without grants, and an outsider. */
async function buildFixtures(url: string, admin: AdminClient, anonymous: AdminClient) {
  const org = (await admin.ok(200, 'GET', '/api/v1/organisations/')).results[0].id as number;
  const signUp = async (inviter: AdminClient, organisationId: number, role: string, email: string) => {
    const link = await inviter.ok(201, 'POST', `/api/v1/organisations/${organisationId}/invite-links/`, {
      role,
    });
    const user = await anonymous.ok(201, 'POST', '/api/v1/auth/users/', {
      email,
      password: 'matrix-password',
      invite_hash: link.hash,
    });
    return { id: user.id as number, client: adminClient(url, `Token ${user.key}`) };
  };
  const m = await signUp(admin, org, 'USER', 'member@example.com');
  const founder = await signUp(admin, org, 'USER', 'founder@example.com');
  const orgB = await founder.client.ok(201, 'POST', '/api/v1/organisations/', { name: 'Other' });
  const outsider = await signUp(founder.client, orgB.id, 'ADMIN', 'outsider@example.com');

  const p = await admin.ok(201, 'POST', '/api/v1/projects/', {
    name: `${SECRET}-project`,
    organisation: org,
  });
  const e = await admin.ok(201, 'POST', '/api/v1/environments/', { name: `${SECRET}-env`, project: p.id });
  const f = await admin.ok(201, 'POST', `/api/v1/projects/${p.id}/features/`, {
    name: `${SECRET}_flag`,
    initial_value: `${SECRET}-value`,
    multivariate_options: [
      { type: 'unicode', string_value: `${SECRET}-variant`, default_percentage_allocation: 10 },
    ],
  });
  const rules = [
    { type: 'ALL', conditions: [{ operator: 'EQUAL', property: `${SECRET}_trait`, value: 'x' }] },
  ];
  const s = await admin.ok(201, 'POST', `/api/v1/projects/${p.id}/segments/`, {
    name: `${SECRET}-segment`,
    rules,
  });
  const s2 = await admin.ok(201, 'POST', `/api/v1/projects/${p.id}/segments/`, {
    name: `${SECRET}-spare`,
    rules,
  });
  const override = await admin.ok(
    201,
    'POST',
    `/api/v1/environments/${e.api_key}/features/${f.id}/create-segment-override/`,
    {
      feature_segment: { segment: s.id },
      enabled: true,
      feature_state_value: `${SECRET}-override`,
    },
  );
  const state = (
    await admin.ok(200, 'GET', `/api/v1/environments/${e.api_key}/featurestates/?feature=${f.id}`)
  ).results[0];
  const i = await admin.ok(201, 'POST', `/api/v1/environments/${e.api_key}/identities/`, {
    identifier: `${SECRET}-user`,
  });
  const i2 = await admin.ok(201, 'POST', `/api/v1/environments/${e.api_key}/identities/`, {
    identifier: `${SECRET}-user2`,
  });
  const t = await admin.ok(201, 'POST', `/api/v1/environments/${e.api_key}/identities/${i.id}/traits/`, {
    trait_key: `${SECRET}_trait`,
    trait_value: `${SECRET}-trait-value`,
  });
  const io = await admin.ok(
    201,
    'POST',
    `/api/v1/environments/${e.api_key}/identities/${i.id}/featurestates/`,
    {
      feature: f.id,
      enabled: true,
      feature_state_value: `${SECRET}-identity-value`,
    },
  );
  const tag = await admin.ok(201, 'POST', `/api/v1/projects/${p.id}/tags/`, { label: `${SECRET}-tag` });
  const serverKey = await admin.ok(201, 'POST', `/api/v1/environments/${e.api_key}/api-keys/`, {
    name: `${SECRET}-key`,
  });
  const group = await admin.ok(201, 'POST', `/api/v1/organisations/${org}/groups/`, {
    name: `${SECRET}-group`,
  });
  const grant = async (path: string, body: Record<string, unknown>) =>
    (await admin.ok(201, 'POST', path, body)).id;
  const link = await admin.ok(201, 'POST', `/api/v1/organisations/${org}/invite-links/`, { role: 'USER' });
  const masterKey = await admin.ok(201, 'POST', `/api/v1/organisations/${org}/master-api-keys/`, {
    name: `${SECRET}-master`,
  });
  const audit = (await admin.ok(200, 'GET', `/api/v1/projects/${p.id}/audit/`)).results[0].id;
  const fx: Record<string, string | number> = {
    organisationId: org,
    projectId: p.id,
    projectUuid: p.uuid,
    apiKey: e.api_key,
    environmentId: e.id,
    environmentUuid: e.uuid,
    featureId: f.id,
    featureUuid: f.uuid,
    optionId: f.multivariate_options[0].id,
    optionUuid: f.multivariate_options[0].uuid,
    segmentId: s.id,
    segmentUuid: s.uuid,
    spareSegmentId: s2.id,
    featureSegmentId: override.feature_segment.id,
    stateId: state.id,
    stateUuid: state.uuid,
    overrideStateId: override.id,
    identityId: i.id,
    otherIdentityId: i2.id,
    traitId: t.id,
    identityStateId: io.id,
    tagId: tag.id,
    tagUuid: tag.uuid,
    serverKeyId: serverKey.id,
    groupId: group.id,
    memberId: m.id,
    inviteLinkId: link.id,
    prefix: masterKey.prefix,
    auditId: audit,
    orgUserGrant: await grant(`/api/v1/organisations/${org}/user-permissions/`, {
      user: m.id,
      permissions: [],
    }),
    orgGroupGrant: await grant(`/api/v1/organisations/${org}/user-group-permissions/`, {
      group: group.id,
      permissions: [],
    }),
    projectUserGrant: await grant(`/api/v1/projects/${p.id}/user-permissions/`, {
      user: founder.id,
      permissions: [],
    }),
    projectGroupGrant: await grant(`/api/v1/projects/${p.id}/user-group-permissions/`, {
      group: group.id,
      permissions: [],
    }),
    envUserGrant: await grant(`/api/v1/environments/${e.api_key}/user-permissions/`, {
      user: founder.id,
      permissions: [],
    }),
    envGroupGrant: await grant(`/api/v1/environments/${e.api_key}/user-group-permissions/`, {
      group: group.id,
      permissions: [],
    }),
    bogusHash: 'no-such-invite',
  };
  return { fx, outsider: outsider.client, member: m.client };
}
