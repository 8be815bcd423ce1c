import type { Kysely } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import { hashSecret, randomToken, verifySecret } from '../../platform/secrets.ts';
import { masterApiKeyStore } from './master-api-key-store.ts';
import type { MasterKeyPrincipal } from './principal.ts';
import { VerificationCache } from './verification-cache.ts';

/**
 * Flagsmith's keys look like `<8-char prefix>.<32-char secret>` (djangorestframework-api-key). A key given to us
 * in another shape (VEXIL_BOOTSTRAP_API_KEY) is looked up by its first 8 characters instead.
 */
export function keyPrefix(key: string): string {
  const dot = key.indexOf('.');
  return dot > 0 ? key.slice(0, dot) : key.slice(0, 8);
}

export function generateMasterApiKey(): string {
  return `${randomToken(8)}.${randomToken(32)}`;
}

export async function storeMasterApiKey(
  db: Kysely<Schema>,
  input: { organisationId: number; name: string; key: string; isAdmin?: boolean; expiryDate?: Date | null },
): Promise<number> {
  return masterApiKeyStore.insert(db, {
    organisation_id: input.organisationId,
    name: input.name,
    prefix: keyPrefix(input.key),
    key_hash: await hashSecret(input.key),
    is_admin: input.isAdmin ?? true,
    expiry_date: input.expiryDate ?? null,
  });
}

/**
 * Verifies `Api-Key` credentials. A slow hash per request would cap the admin API at ~20 requests/s per core, so
 * a successful verification is cached (VerificationCache) and each hit only re-checks that the key is still live.
 */
export class MasterApiKeyAuthenticator {
  readonly #db: Kysely<Schema>;
  readonly #cache = new VerificationCache<MasterKeyPrincipal>();

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async authenticate(key: string): Promise<MasterKeyPrincipal | null> {
    const cached = this.#cache.get(key);
    if (cached) {
      if (await masterApiKeyStore.isLive(this.#db, cached.keyId, new Date())) return cached;
      this.#cache.forget(key);
      return null;
    }
    const now = Date.now();
    for (const row of await masterApiKeyStore.findActiveByPrefix(this.#db, keyPrefix(key))) {
      if (row.expiry_date && row.expiry_date.getTime() <= now) continue;
      if (await verifySecret(key, row.key_hash)) {
        const principal: MasterKeyPrincipal = {
          kind: 'master-api-key',
          keyId: row.id,
          organisationId: row.organisation_id,
          isAdmin: row.is_admin,
        };
        this.#cache.set(key, principal);
        return principal;
      }
    }
    return null;
  }

  /** Drops cached verifications, e.g. after a key is revoked (the live check would catch it anyway). */
  forget(keyId?: number) {
    this.#cache.forgetWhere((p) => keyId === undefined || p.keyId === keyId);
  }
}
