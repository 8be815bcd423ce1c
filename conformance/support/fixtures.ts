import { randomBytes } from 'node:crypto';
import { Api } from './client.ts';
import type { Json } from './json.ts';
import type { Target } from './targets.ts';

export const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export interface User {
  id: number;
  email: string;
  password: string;
  api: Api;
}

/**
 * What a suite starts from: the admin key's client and organisation, and helpers that create uniquely named
 * objects, so suites never collide with each other or with data already on the server.
 */
export class World {
  readonly admin: Api;
  readonly organisationId: number;

  private constructor(admin: Api, organisationId: number) {
    this.admin = admin;
    this.organisationId = organisationId;
  }

  static async connect(target: Target): Promise<World> {
    const admin = new Api(target.baseUrl, `Api-Key ${target.apiKey}`);
    const orgs = await admin.expect(200, 'GET', '/api/v1/organisations/');
    const first = orgs.results[0];
    if (!first) throw new Error('the master API key sees no organisation');
    return new World(admin, first.id);
  }

  anonymous(): Api {
    return this.admin.as(null);
  }

  async project(settings: Record<string, unknown> = {}): Promise<Json> {
    return this.admin.expect(201, 'POST', '/api/v1/projects/', {
      name: unique('project'),
      organisation: this.organisationId,
      ...settings,
    });
  }

  async environment(projectId: number, settings: Record<string, unknown> = {}): Promise<Json> {
    return this.admin.expect(201, 'POST', '/api/v1/environments/', {
      name: unique('env'),
      project: projectId,
      ...settings,
    });
  }

  async feature(projectId: number, body: Record<string, unknown> = {}): Promise<Json> {
    return this.admin.expect(201, 'POST', `/api/v1/projects/${projectId}/features/`, {
      name: unique('flag'),
      ...body,
    });
  }

  async segment(projectId: number, body: Record<string, unknown> = {}): Promise<Json> {
    return this.admin.expect(201, 'POST', `/api/v1/projects/${projectId}/segments/`, {
      name: unique('segment'),
      rules: [
        {
          type: 'ALL',
          rules: [{ type: 'ANY', conditions: [{ operator: 'EQUAL', property: 'plan', value: 'beta' }] }],
        },
      ],
      ...body,
    });
  }

  /** The environment default state of a feature, as `environments/{key}/featurestates/` shows it. */
  async defaultState(apiKey: string, featureId: number): Promise<Json> {
    const page = await this.admin.expect(
      200,
      'GET',
      `/api/v1/environments/${apiKey}/featurestates/?feature=${featureId}`,
    );
    return page.results[0];
  }

  /** A new user who joins an organisation (this one unless `via` says otherwise) through an invite link. */
  async user(
    role: 'ADMIN' | 'USER' = 'USER',
    via: { api: Api; organisationId: number } = this.defaultInviter(),
  ): Promise<User> {
    const link = await via.api.expect(
      201,
      'POST',
      `/api/v1/organisations/${via.organisationId}/invite-links/`,
      { role },
    );
    const email = `${unique('user')}@example.com`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const created = await this.anonymous().expect(201, 'POST', '/api/v1/auth/users/', {
      email,
      password,
      first_name: 'Test',
      last_name: 'User',
      invite_hash: link.hash,
    });
    return { id: created.id, email, password, api: this.admin.as(`Token ${created.key}`) };
  }

  /** A user who is admin of a brand-new organisation of their own (and member of nothing else). */
  async outsider(): Promise<User & { organisationId: number }> {
    const founder = await this.user('USER');
    const org = await founder.api.expect(201, 'POST', '/api/v1/organisations/', { name: unique('org') });
    const outsider = await this.user('ADMIN', { api: founder.api, organisationId: org.id });
    return { ...outsider, organisationId: org.id };
  }

  private defaultInviter() {
    return { api: this.admin, organisationId: this.organisationId };
  }
}
