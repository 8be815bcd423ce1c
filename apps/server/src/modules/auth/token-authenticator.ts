import type { Kysely } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import { hashSecret, randomToken, verifySecret } from '../../platform/secrets.ts';
import type { UserPrincipal } from './principal.ts';
import { userStore } from './user-store.ts';
import { VerificationCache } from './verification-cache.ts';

/** Tokens are 40 alphanumeric characters like Flagsmith's; the first 8 find the row, the hash proves the rest. */
export const TOKEN_LENGTH = 40;
const PREFIX_LENGTH = 8;

export async function issueToken(db: Kysely<Schema>, userId: number): Promise<string> {
  const key = randomToken(TOKEN_LENGTH);
  await userStore.insertToken(db, {
    user_id: userId,
    prefix: key.slice(0, PREFIX_LENGTH),
    key_hash: await hashSecret(key),
  });
  return key;
}

/** Verifies `Authorization: Token <key>`; cached like master keys, with a live check on every hit. */
export class TokenAuthenticator {
  readonly #db: Kysely<Schema>;
  readonly #cache = new VerificationCache<UserPrincipal>();

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async authenticate(key: string): Promise<UserPrincipal | null> {
    if (key.length !== TOKEN_LENGTH) return null;
    const cached = this.#cache.get(key);
    if (cached) {
      if (await userStore.tokenIsLive(this.#db, cached.tokenId)) return cached;
      this.#cache.forget(key);
      return null;
    }
    for (const row of await userStore.findTokensByPrefix(this.#db, key.slice(0, PREFIX_LENGTH))) {
      if (await verifySecret(key, row.key_hash)) {
        const principal: UserPrincipal = {
          kind: 'user',
          userId: row.user_id,
          email: row.email,
          tokenId: row.id,
        };
        this.#cache.set(key, principal);
        return principal;
      }
    }
    return null;
  }

  forgetToken(tokenId: number) {
    this.#cache.forgetWhere((p) => p.tokenId === tokenId);
  }
}
