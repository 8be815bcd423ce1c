import type { Kysely } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { Principal } from '../auth/index.ts';
import type { Access, EnvironmentAccess, EnvironmentPermission } from '../permissions/index.ts';
import { type EnvironmentRow, environmentStore } from './environment-store.ts';

/**
 * Finds an environment by its client API key (how Flagsmith's admin routes address environments) or id and
 * checks the caller's permission in one step. An unknown key and an invisible environment both give 404.
 */
export class EnvironmentResolver {
  readonly #db: Kysely<Schema>;
  readonly #access: Access;

  constructor(db: Kysely<Schema>, access: Access) {
    this.#db = db;
    this.#access = access;
  }

  async byKey(
    principal: Principal,
    apiKey: string,
    need: 'ADMIN' | EnvironmentPermission | readonly EnvironmentPermission[] = 'VIEW_ENVIRONMENT',
  ): Promise<{ environment: EnvironmentRow; access: EnvironmentAccess }> {
    const environment = await environmentStore.getByKey(this.#db, apiKey);
    if (!environment) throw new NotFoundError();
    const access = await this.#access.requireEnvironment(principal, environment.id, need);
    return { environment, access };
  }

  async byId(
    principal: Principal,
    id: number,
    need: 'ADMIN' | EnvironmentPermission | readonly EnvironmentPermission[] = 'VIEW_ENVIRONMENT',
  ): Promise<{ environment: EnvironmentRow; access: EnvironmentAccess }> {
    const access = await this.#access.requireEnvironment(principal, id, need);
    const environment = await environmentStore.get(this.#db, id);
    if (!environment) throw new NotFoundError();
    return { environment, access };
  }
}
